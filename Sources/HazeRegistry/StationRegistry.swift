import Foundation
import HazeModel

/// The stations haze knows, with their city and district: the registry decides
/// which stations make up a ranking unit.
///
/// Loaded from every `*.csv` in a directory (`stations/` by default), in name
/// order. A station may appear in several files: a city's own registry adds
/// districts and control flags to the national list. Empty fields never
/// override filled ones; two files giving different non-empty values for the
/// same field is an error, because a silent choice would move a station
/// between districts.
public struct StationRegistry: Sendable {
    public private(set) var stations: [Station]
    private var indexByCode: [String: Int]
    /// Positions of each city's and each (city, district)'s stations, sorted by
    /// code: rankings and alerts ask for them thousands of times.
    private var byCity: [String: [Int]] = [:]
    private var byDistrict: [String: [Int]] = [:]

    /// A registry of the given stations; for a code given twice, the first entry's
    /// non-empty fields win (programmatic use; files go through `load`).
    public init(stations: [Station]) {
        self.stations = []
        self.indexByCode = [:]
        for station in stations where indexByCode[station.code] == nil {
            indexByCode[station.code] = self.stations.count
            self.stations.append(station)
        }
        reindex()
    }

    /// Rebuilds the city and district lookups after stations changed.
    private mutating func reindex() {
        byCity = [:]
        byDistrict = [:]
        let order = stations.indices.sorted { stations[$0].code < stations[$1].code }
        for i in order {
            byCity[stations[i].city, default: []].append(i)
            if !stations[i].district.isEmpty {
                byDistrict[Self.districtKey(stations[i].city, stations[i].district), default: []].append(i)
            }
        }
    }

    private static func districtKey(_ city: String, _ district: String) -> String { city + "\u{1F}" + district }

    public init() { self.init(stations: []) }

    public subscript(code: String) -> Station? {
        indexByCode[code].map { stations[$0] }
    }

    public func contains(_ code: String) -> Bool { indexByCode[code] != nil }

    /// Cities in the registry, sorted by name.
    public var cities: [String] { byCity.keys.sorted() }

    /// The registry's spelling of a city the user typed: exact, or with or
    /// without the 市 suffix (北京 = 北京市). Nil when no city matches.
    public func city(named name: String) -> String? {
        if byCity[name] != nil { return name }
        let alternative = name.hasSuffix("市") ? String(name.dropLast()) : name + "市"
        return byCity[alternative] != nil ? alternative : nil
    }

    /// Cities close to a name nobody knows, for "did you mean".
    public func citySuggestions(for name: String) -> [String] {
        Suggestion.closest(to: name, among: byCity.keys)
    }

    /// Stations of a city (all, including control points), sorted by code.
    public func stations(inCity city: String) -> [Station] {
        (byCity[city] ?? []).map { stations[$0] }
    }

    /// Stations of a district (matched by district name, and by city when given).
    public func stations(inDistrict district: String, city: String? = nil) -> [Station] {
        if let city { return (byDistrict[Self.districtKey(city, district)] ?? []).map { stations[$0] } }
        return stations.filter { $0.district == district }.sorted { $0.code < $1.code }
    }

    /// Distinct (city, district) pairs with a district, sorted.
    public func districts(inCity city: String? = nil) -> [(city: String, district: String)] {
        var seen = Set<String>()
        var result: [(String, String)] = []
        for s in stations where !s.district.isEmpty && (city == nil || s.city == city) {
            let key = s.city + "\u{1F}" + s.district
            if seen.insert(key).inserted { result.append((s.city, s.district)) }
        }
        return result.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
    }

    /// Adds a station or fills in the empty fields of one already known.
    mutating func merge(_ incoming: Station, source: String) throws(RegistryError) {
        guard let i = indexByCode[incoming.code] else {
            indexByCode[incoming.code] = stations.count
            stations.append(incoming)
            return
        }
        var current = stations[i]
        func fill(_ keyPath: WritableKeyPath<Station, String>, _ name: String) throws(RegistryError) {
            let new = incoming[keyPath: keyPath]
            if new.isEmpty { return }
            if current[keyPath: keyPath].isEmpty { current[keyPath: keyPath] = new; return }
            // Names differ between editions of the national list (e.g. a district
            // prefix); keep the first, conflicts in city or district are errors.
            if current[keyPath: keyPath] != new && name != "name" {
                throw RegistryError.conflictingEntries(code: incoming.code, field: name,
                                                       first: current[keyPath: keyPath], second: new)
            }
        }
        try fill(\.name, "name")
        try fill(\.city, "city")
        try fill(\.district, "district")
        if current.longitude == nil { current.longitude = incoming.longitude }
        if current.latitude == nil { current.latitude = incoming.latitude }
        if incoming.isControl { current.isControl = true }
        stations[i] = current
    }
}

extension StationRegistry {
    /// Loads every `*.csv` in `directory`, in name order.
    public static func load(directory: String) throws(RegistryError) -> StationRegistry {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .directoryNotFound(directory)
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.lowercased().hasSuffix(".csv") }.sorted()
        } catch {
            throw .unreadable(file: directory, reason: "\(error)")
        }
        guard !names.isEmpty else { throw .noRegistryFiles(directory) }
        var registry = StationRegistry()
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            try registry.add(contentsOf: path)
        }
        registry.reindex()
        return registry
    }

    /// Adds the stations of one registry file.
    public mutating func add(contentsOf path: String) throws(RegistryError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(file: path, reason: "no such file or permission denied")
        }
        try add(csv: [UInt8](data), file: path)
    }

    /// Adds stations from registry CSV bytes; `file` names the source in errors.
    public mutating func add(csv bytes: [UInt8], file: String) throws(RegistryError) {
        var scanner = CSVScanner(bytes: bytes)
        var fields: [CSVField] = []
        guard scanner.nextRecord(into: &fields) else { return }
        func checkUTF8(_ line: Int, _ fields: [CSVField]) throws(RegistryError) {
            guard let first = fields.first, let last = fields.last else { return }
            let range = first.range.lowerBound ..< last.range.upperBound
            if !TextEncoding.isValidUTF8(bytes, range) {
                throw .notUTF8(file: file, line: line, looksLikeGBK: TextEncoding.looksLikeGBK(bytes, range))
            }
        }
        try checkUTF8(scanner.lineNumber, fields)
        let header = fields.map { scanner.trimmedString($0).lowercased() }
        func column(_ name: String, required: Bool = true) throws(RegistryError) -> Int? {
            if let i = header.firstIndex(of: name) { return i }
            if required { throw .missingColumn(file: file, column: name) }
            return nil
        }
        let codeColumn = try column("code")!
        let nameColumn = try column("name", required: false)
        let cityColumn = try column("city")!
        let districtColumn = try column("district", required: false)
        let lonColumn = try column("longitude", required: false)
        let latColumn = try column("latitude", required: false)
        let controlColumn = try column("control", required: false)

        while scanner.nextRecord(into: &fields) {
            let line = scanner.lineNumber
            if fields.count == 1 && fields[0].isEmpty { continue }  // blank line
            try checkUTF8(line, fields)
            func text(_ column: Int?) -> String {
                guard let column, column < fields.count else { return "" }
                return scanner.trimmedString(fields[column])
            }
            let code = text(codeColumn)
            guard !code.isEmpty else { throw .badRow(file: file, line: line, field: "code", reason: "empty station code") }
            guard code.utf8.count <= SeriesKey.maximumCodeLength else {
                throw .badRow(file: file, line: line, field: "code",
                              reason: "code '\(code)' is longer than \(SeriesKey.maximumCodeLength) bytes")
            }
            let city = text(cityColumn)
            guard !city.isEmpty else { throw .badRow(file: file, line: line, field: "city", reason: "empty city") }
            func coordinate(_ column: Int?, _ name: String, _ range: ClosedRange<Double>) throws(RegistryError) -> Double? {
                let value = text(column)
                // The national list writes an unknown coordinate as "-".
                if value.isEmpty || value == "-" || value == "—" { return nil }
                switch ExternalNumber.decimal(value, in: range) {
                case .success(let number): return number
                case .failure(let refusal):
                    throw .badRow(file: file, line: line, field: name, reason: "'\(value)' is \(refusal.problemText); a \(name) is in \(ExternalNumber.show(range))")
                }
            }
            let control: Bool
            switch text(controlColumn).lowercased() {
            case "", "0", "n", "no", "false": control = false
            case "1", "y", "yes", "true": control = true
            case let other:
                throw .badRow(file: file, line: line, field: "control", reason: "'\(other)' is not 1/0 or Y/N")
            }
            let station = Station(code: code, name: text(nameColumn), city: city, district: text(districtColumn),
                                  longitude: try coordinate(lonColumn, "longitude", -180...180),
                                  latitude: try coordinate(latColumn, "latitude", -90...90),
                                  isControl: control)
            try merge(station, source: file)
        }
        reindex()
    }
}
