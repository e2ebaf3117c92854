import Foundation
import HazeModel

/// The stations haze knows: which city and which unit of each layer a station
/// belongs to on a given day, and whether it is counted at all that day.
///
/// Three kinds of plain CSV file make it up (`stations/` by default, `#` lines
/// are comments; see `load(directory:)`):
/// - **dated national lists**, `national/YYYY-MM-DD.csv`: the list in force
///   on a day (the newest whose date is not after it; before the oldest, the
///   oldest) decides which of its stations count that day, with their city
///   and control flag;
/// - **station tables**, `*.csv` with `code,name,city,district,longitude,latitude,control[,sensor]`:
///   a city's own file refines the lists (districts, better coordinates,
///   control flags) and may add stations no list has (those count every day);
///   empty fields never override filled ones, and two tables disagreeing on a
///   city or district is an error, because a silent choice would move a
///   station between units;
/// - **memberships**, `*.csv` with `code,layer,unit,from,to`: a station's
///   unit per layer (`district`, `zone`, `town`, any name) with an inclusive
///   date range; a table's `district` column is layer `district` without dates;
/// - and **city aliases**, `*.csv` with `alias,city[,use]`.
///
/// Control points (对照点) are flagged in the lists or tables and never
/// counted in a unit or city value; a station named …对照点 without a flag is
/// loaded as an assessment station with a warning (`warnings`). Micro-sensors
/// (微型站, a table's `sensor` column) are stored and queried as stations but
/// likewise never counted in a unit or city value, nor ranked.
public struct StationRegistry: Sendable {
    /// Every station the registry knows, each as the newest list that has it
    /// describes it (name, city, control flag), refined by the tables
    /// (their names, coordinates, control flags, districts). For a day's view use `station(_:on:)`.
    public internal(set) var stations: [Station]
    var indexByCode: [String: Int]
    /// Positions of each city's and each (city, district)'s stations, sorted by
    /// code: alerts ask for them thousands of times.
    var byCity: [String: [Int]] = [:]
    var byDistrict: [DistrictKey: [Int]] = [:]

    /// The dated national lists, oldest first.
    public internal(set) var lists: [StationList] = []
    /// Codes in at least one dated list: they count only on days their list is in force.
    var listed: Set<String> = []
    /// The undated station tables, merged, by code.
    var tables: [String: Station] = [:]
    /// Where each table station was first given, and its first filled
    /// `sensor` cell (what it said is the merged station's `isSensor`).
    var tableSources: [String: TableSource] = [:]
    /// Codes of table stations whose name says 对照点 (see `validate`): kept as
    /// names are merged, so a check of tens of thousands of stations reads a few.
    var namedControl: Set<String> = []
    /// code → layer → memberships (no two of one layer overlap with different units).
    var memberships: [String: [String: [UnitMembership]]] = [:]
    /// Other spellings of city names (`北京市` for `北京`), loaded with the registry; see `city(named:)`.
    public internal(set) var aliases = CityAliases()
    /// What loaded but looks wrong (a station named 对照点 without a control flag …).
    public internal(set) var warnings: [RegistryWarning] = []
    /// Every code any list or table ever places in a city, sorted.
    var codesByCity: [String: [String]] = [:]

    /// A registry of the given stations (undated, like one station table); for a
    /// code given twice, the first entry's non-empty fields win (programmatic
    /// use; files go through `load`).
    public init(stations: [Station]) {
        self.stations = []
        self.indexByCode = [:]
        for station in stations where tables[station.code] == nil {
            tables[station.code] = station
            if Self.isNamedControl(station.name) { namedControl.insert(station.code) }
            if !station.district.isEmpty {
                memberships[station.code, default: [:]][UnitMembership.districtLayer] =
                    [UnitMembership(code: station.code, layer: UnitMembership.districtLayer, unit: station.district)]
            }
        }
        reindex()
    }

    /// An empty registry: no stations, lists or memberships.
    public init() { self.init(stations: []) }

    // MARK: - The undated view

    /// The station with this code from any list or table (the undated view); nil when the registry does not know the code.
    public subscript(code: String) -> Station? {
        indexByCode[code].map { stations[$0] }
    }

    /// Whether the registry knows the station code on any day.
    public func contains(_ code: String) -> Bool { indexByCode[code] != nil }

    /// Cities in the registry (every list and table), sorted by name.
    public var cities: [String] { codesByCity.keys.sorted(by: NameKey.inOrder) }

    /// The registry's spelling of a city the user typed: exact, an alias
    /// (北京市 = 北京, 延边州 = 延边朝鲜族自治州), or with or without the 市
    /// suffix. Nil when no city matches.
    public func city(named name: String) -> String? {
        let name = name.trimmingCharacters(in: .whitespaces)
        for candidate in [name, name.hasSuffix("市") ? String(name.dropLast()) : name + "市"] {
            if codesByCity[candidate] != nil { return candidate }
            let aliased = aliases.canonical(candidate)
            if codesByCity[aliased] != nil { return aliased }
        }
        return nil
    }

    /// Cities close to a name nobody knows, for "did you mean": an English
    /// name of the alias file (`Beijing` → 北京), then the nearest spellings.
    public func citySuggestions(for name: String) -> [String] {
        var result: [String] = []
        let lowered = name.lowercased()
        // In a fixed order (spellings sorted, each city once): the same answer every run.
        for (spelling, cities) in aliases.suggestions.sorted(by: { $0.key < $1.key }) where spelling.lowercased() == lowered {
            for city in cities where !result.contains(city) { result.append(city) }
        }
        var spellings: [String: [String]] = [:]
        for city in codesByCity.keys { spellings[city, default: []].append(city) }
        for (alias, city) in aliases.names { spellings[alias, default: []].append(city) }
        for (spelling, cities) in aliases.suggestions { spellings[spelling, default: []] += cities }
        for close in Suggestion.closest(to: name, among: spellings.keys.sorted(), limit: 6) {
            for city in spellings[close] ?? [] where codesByCity[city] != nil && !result.contains(city) { result.append(city) }
        }
        return Array(result.prefix(3))
    }

    /// Stations of a city (all, including control points), sorted by code.
    public func stations(inCity city: String) -> [Station] {
        (byCity[city] ?? []).map { stations[$0] }
    }

    /// Stations of a district (matched by district name, and by city when given).
    public func stations(inDistrict district: String, city: String? = nil) -> [Station] {
        if let city { return (byDistrict[DistrictKey(city: city, district: district)] ?? []).map { stations[$0] } }
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

    /// A district of a city (district names repeat across cities).
    struct DistrictKey: Hashable, Sendable, RunKey {
        var city: String
        var district: String

        func sameBytes(as other: DistrictKey) -> Bool {
            city.sameBytes(as: other.city) && district.sameBytes(as: other.district)
        }
    }

    // MARK: - The view of one day

    /// The national list in force on a day: the newest whose date is not after
    /// it, and before the oldest list the oldest. Nil without dated lists.
    public func list(inForceOn day: Day) -> StationList? {
        guard var chosen = lists.first else { return nil }
        for list in lists.dropFirst() where list.effective <= day { chosen = list }
        return chosen
    }

    /// Whether a station belongs to a dated list (then it counts only while a list that has it is in force).
    func isListed(_ code: String) -> Bool { listed.contains(code) }

    /// A station as it is on a day: nil when the list in force does not have
    /// it (a station of no list is there every day); the list's city and
    /// control flag and name, the tables' names, coordinates and control flags,
    /// and its `district` on that day.
    public func station(_ code: String, on day: Day) -> Station? {
        var station: Station
        if listed.contains(code) {
            guard let record = list(inForceOn: day)?[code] else { return nil }
            station = record
            if let table = tables[code] { Self.refine(&station, with: table) }
        } else if let table = tables[code] {
            station = table
        } else {
            return nil
        }
        station.city = aliases.canonical(station.city)
        station.district = unit(of: code, layer: UnitMembership.districtLayer, on: day) ?? ""
        return station
    }

    /// The city of a micro-sensor (a table station flagged `sensor`: never in a
    /// dated list, see `validate`), nil for any other code. One lookup where
    /// `station(_:on:)` makes five: forming a province's units passes 20 000 sensors.
    package func sensorCity(_ code: String) -> String? {
        guard let table = tables[code], table.isSensor else { return nil }
        return aliases.canonical(table.city)
    }

    /// Every code a list or table ever places in a city (whatever the day), sorted.
    package func codes(everInCity city: String) -> [String] { codesByCity[city] ?? [] }

    /// The unit a station belongs to on a layer on a day, if any.
    public func unit(of code: String, layer: String, on day: Day) -> String? {
        memberships[code]?[layer]?.first { $0.span.contains(day) }?.unit
    }

    /// A station's memberships on a layer, in date order.
    public func memberships(of code: String, layer: String) -> [UnitMembership] {
        memberships[code]?[layer] ?? []
    }

    /// The layers any station of the city (or of the registry) has a unit on, sorted.
    public func layers(inCity city: String? = nil) -> [String] {
        let candidates: [String] = city.map { self.codes(everInCity: $0) } ?? Array(memberships.keys)
        var layers = Set<String>()
        for code in candidates {
            if let byLayer = memberships[code] { for layer in byLayer.keys { layers.insert(layer) } }
        }
        return layers.sorted()
    }

    /// Whether a station of the city has a unit on the layer on some day
    /// (`layers(inCity:).contains(layer)`, stopping at the first).
    public func hasLayer(_ layer: String, inCity city: String) -> Bool {
        codes(everInCity: city).contains { memberships[$0]?[layer] != nil }
    }

    /// Every unit of a layer that a station of the city belongs to on some day, sorted.
    public func units(layer: String, city: String) -> [String] {
        var units = Set<String>()
        for code in codes(everInCity: city) {
            for membership in memberships[code]?[layer] ?? [] { units.insert(membership.unit) }
        }
        return units.sorted()
    }

    /// Every unit of a layer in the registry (any city), sorted.
    public func units(layer: String) -> [String] {
        var units = Set<String>()
        for byLayer in memberships.values {
            for membership in byLayer[layer] ?? [] { units.insert(membership.unit) }
        }
        return units.sorted()
    }

    /// A list's station refined by a table's: the table's name (a bureau's own
    /// naming) when it has one, its coordinates when it has both, a control
    /// flag from either.
    static func refine(_ station: inout Station, with table: Station) {
        if !table.name.isEmpty { station.name = table.name }
        if let longitude = table.longitude, let latitude = table.latitude {
            station.longitude = longitude
            station.latitude = latitude
        }
        if table.isControl { station.isControl = true }
        if table.isSensor { station.isSensor = true }
    }

    // MARK: - Building

    /// Adds a table's station or fills in the empty fields of one already known.
    /// `sensorGiven`: the row's `sensor` cell is filled (1/Y or 0/N); two
    /// filled cells that disagree are an error, because a silent choice would
    /// take a station out of (or put a micro-sensor into) its city's value.
    mutating func merge(_ incoming: Station, file: String, line: Int, sensorGiven: Bool = false) throws(RegistryError) {
        var incoming = incoming
        incoming.city = aliases.canonical(incoming.city)
        if !incoming.district.isEmpty {
            try addMembership(UnitMembership(code: incoming.code, layer: UnitMembership.districtLayer,
                                             unit: incoming.district, file: file, line: line))
        }
        guard var current = tables[incoming.code] else {
            tables[incoming.code] = incoming
            let here = SourceLine(file: file, line: line)
            tableSources[incoming.code] = TableSource(row: here, sensorCell: sensorGiven ? here : nil)
            if Self.isNamedControl(incoming.name) { namedControl.insert(incoming.code) }
            return
        }
        func fill(_ keyPath: WritableKeyPath<Station, String>, _ name: String) throws(RegistryError) {
            let new = incoming[keyPath: keyPath]
            if new.isEmpty { return }
            if current[keyPath: keyPath].isEmpty { current[keyPath: keyPath] = new; return }
            // Names differ between editions (e.g. a district prefix); keep the
            // first. Conflicts in city or district are errors.
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
        if sensorGiven {
            // Until a filled cell, `isSensor` is false and unsaid; after one, it is what the cell said.
            let here = SourceLine(file: file, line: line)
            if let said = tableSources[incoming.code]?.sensorCell {
                if current.isSensor != incoming.isSensor {
                    throw .conflictingEntries(code: incoming.code, field: "sensor (\(said) vs \(here))",
                                              first: current.isSensor ? "1" : "0", second: incoming.isSensor ? "1" : "0")
                }
            } else {
                tableSources[incoming.code]?.sensorCell = here
            }
        }
        if incoming.isSensor { current.isSensor = true }
        if Self.isNamedControl(current.name) { namedControl.insert(incoming.code) }
        tables[incoming.code] = current
    }

    /// Room for `count` more stations in the lookups a table or membership file fills.
    mutating func reserveCapacity(adding count: Int) {
        tables.reserveCapacity(tables.count + count)
        tableSources.reserveCapacity(tableSources.count + count)
        memberships.reserveCapacity(memberships.count + count)
    }

    /// Adds a membership; two units of one layer on overlapping days is an error.
    mutating func addMembership(_ membership: UnitMembership) throws(RegistryError) {
        var existing = memberships[membership.code]?[membership.layer] ?? []
        for other in existing where other.span.overlaps(membership.span) && other.unit != membership.unit {
            func show(_ m: UnitMembership) -> String {
                "\(m.unit) (\(m.span)\(m.source.isEmpty ? "" : ", " + m.source))"
            }
            throw .conflictingMembership(code: membership.code, layer: membership.layer,
                                         first: show(other), second: show(membership))
        }
        if existing.contains(where: { $0.unit == membership.unit && $0.span == membership.span }) { return }
        existing.append(membership)
        if existing.count > 1 { existing.sort { ($0.span.from?.index ?? Int.min) < ($1.span.from?.index ?? Int.min) } }
        // Room for two layers from the start (a district and a town or zone): growing
        // 25 000 one-entry lookups to two rehashed each of them.
        memberships[membership.code, default: Self.layerLookup()][membership.layer] = existing
    }

    private static func layerLookup() -> [String: [UnitMembership]] {
        var lookup: [String: [UnitMembership]] = [:]
        lookup.reserveCapacity(2)
        return lookup
    }

    mutating func add(list: StationList) {
        lists.append(list)
        lists.sort { $0.effective < $1.effective }
        listed.formUnion(list.codes)
    }

    mutating func add(alias: String, city: String, suggestOnly: Bool, source: String) throws(RegistryError) {
        try aliases.add(alias: alias, city: city, suggestOnly: suggestOnly, source: source)
    }

    /// Resolves chains of aliases: once after a file of them (after every
    /// row it made loading the registry quadratic in the aliases — a quarter
    /// of a `haze rank` process with 430 of them).
    mutating func flattenAliases() { aliases.flatten() }

    mutating func warn(_ source: String, _ message: String) {
        warnings.append(RegistryWarning(source: source, message: message))
    }

    /// Rebuilds the undated view and the lookups after anything changed.
    mutating func reindex() {
        // Without dated lists every code is a table's (and keys are distinct).
        let codes = listed.isEmpty ? Array(tables.keys) : Array(Set(tables.keys).union(listed))
        stations = []
        indexByCode = [:]
        codesByCity = [:]
        stations.reserveCapacity(codes.count)
        indexByCode.reserveCapacity(codes.count)
        var cityCodes = Runs<String, String>()
        var listCities: [String] = []
        for code in codes.sorted() {
            // One lookup per list and code: the newest record describes the
            // station, every record's city places it in that city.
            var newest: Station?
            listCities.removeAll(keepingCapacity: true)
            for list in lists {
                guard let record = list[code] else { continue }
                newest = record
                listCities.append(record.city)
            }
            let table = tables[code]
            var station: Station
            if var record = newest {
                if let table { Self.refine(&record, with: table) }
                station = record
            } else if let table {
                station = table
            } else {
                continue
            }
            station.city = aliases.canonical(station.city)
            station.district = Self.latest(memberships[code]?[UnitMembership.districtLayer] ?? [])?.unit ?? ""
            indexByCode[code] = stations.count
            stations.append(station)
            if lists.isEmpty {
                // Its only city: the table's, as `station.city` already is.
                cityCodes.add(station.city, code, into: &codesByCity)
                continue
            }
            // Every city a list or table places it in, once (a few at most: no set needed).
            var cities = [station.city]
            func place(_ city: String) {
                let city = aliases.canonical(city)
                // Equal bytes first: `==` of two long non-ASCII names normalises both.
                if !cities.contains(where: { $0.sameBytes(as: city) || $0 == city }) { cities.append(city) }
            }
            for city in listCities { place(city) }
            if let table { place(table.city) }
            cityCodes.add(station.city, code, into: &codesByCity)
            if cities.count > 1 {
                // A station some list places elsewhere too (rare): appended in code order.
                cityCodes.flush(into: &codesByCity)
                for city in cities.dropFirst() { codesByCity[city, default: []].append(code) }
            }
        }
        cityCodes.flush(into: &codesByCity)
        byCity = [:]
        byDistrict = [:]
        var cityRuns = Runs<String, Int>(), districtRuns = Runs<DistrictKey, Int>()
        for i in stations.indices {
            cityRuns.add(stations[i].city, i, into: &byCity)
            if !stations[i].district.isEmpty {
                districtRuns.add(DistrictKey(city: stations[i].city, district: stations[i].district), i, into: &byDistrict)
            }
        }
        cityRuns.flush(into: &byCity)
        districtRuns.flush(into: &byDistrict)
    }

    /// Appends to a dictionary of arrays through runs of equal keys, so a key
    /// is hashed once per run, not once per value: hashing a Chinese name
    /// normalises it (NFC), and stations sorted by code come in runs of one
    /// city and district. Keys are compared by their bytes (equal bytes are
    /// an equal key; canonically equal spellings just start a new run).
    struct Runs<Key: Hashable & RunKey, Value> {
        private var key: Key?
        private var values: [Value] = []

        mutating func add(_ key: Key, _ value: Value, into dictionary: inout [Key: [Value]]) {
            if let current = self.key, current.sameBytes(as: key) {
                values.append(value)
                return
            }
            flush(into: &dictionary)
            self.key = key
            values = [value]
        }

        mutating func flush(into dictionary: inout [Key: [Value]]) {
            if let key { dictionary[key, default: []] += values }
            key = nil
            values = []
        }
    }

    /// The membership in force last (an open end is the latest).
    static func latest(_ memberships: [UnitMembership]) -> UnitMembership? {
        memberships.max { a, b in
            (a.span.to?.index ?? Int.max, a.span.from?.index ?? Int.min) < (b.span.to?.index ?? Int.max, b.span.from?.index ?? Int.min)
        }
    }

    /// Checks what only the whole registry shows: a table's city must be the
    /// city of that station in some list; stations named 对照点 without a
    /// control flag, and memberships of unknown stations, are warned about.
    mutating func validate() throws(RegistryError) {
        for code in listed.isEmpty ? [] : tables.keys.filter({ listed.contains($0) }).sorted() {
            guard let table = tables[code] else { continue }
            // The national lists have it as a standard station: a table's sensor flag
            // would silently take it out of its city's value.
            if table.isSensor {
                let list = lists.last { $0[code] != nil }?.file ?? "the national lists"
                let source = tableSources[code]?.sensorCell?.description ?? "a station table"
                throw .conflictingEntries(code: code, field: "sensor (\(list) lists it as a standard monitoring station; \(source) flags it a micro-sensor)",
                                          first: "standard station", second: "micro-sensor")
            }
            let cities = Set(lists.compactMap { $0[code].map { aliases.canonical($0.city) } })
            let city = aliases.canonical(table.city)
            if !cities.contains(city) {
                throw .conflictingEntries(code: code, field: "city (\(tableSources[code]?.row.description ?? "a station table") vs the national lists)",
                                          first: cities.sorted().joined(separator: "/"), second: city)
            }
        }
        warnings.removeAll { $0.message.contains("对照点") || $0.message.contains("no station") }
        for list in lists {
            for code in list.codes {
                guard let station = list[code], Self.isNamedControl(station.name), !station.isControl,
                      tables[code]?.isControl != true else { continue }
                warn(list.file, "station \(code) '\(station.name)' is named a control point (对照点) but has no control flag; it is counted as an assessment station (set control=1 if it is a control point)")
            }
        }
        // Only the few named 对照点 are read and sorted (a province's tables hold tens of thousands of stations).
        for code in namedControl.sorted() where !listed.contains(code) {
            guard let table = tables[code], !table.isControl, Self.isNamedControl(table.name) else { continue }
            warn(tableSources[code]?.row.description ?? "", "station \(code) '\(table.name)' is named a control point (对照点) but has no control flag; it is counted as an assessment station (set control=1 if it is a control point)")
        }
        let orphans = memberships.keys.filter { !listed.contains($0) && tables.index(forKey: $0) == nil }
        for code in orphans.sorted() {
            guard let byLayer = memberships[code] else { continue }
            for (_, layerMemberships) in byLayer.sorted(by: { $0.key < $1.key }) {
                for membership in layerMemberships {
                    warn(membership.source, "membership of \(code) in \(membership.layer) '\(membership.unit)': no station \(code) in the lists or tables (ignored until one has it)")
                }
            }
        }
    }

    /// A name that says the station is a control point: 对照点, 清洁对照点.
    static func isNamedControl(_ name: String) -> Bool {
        // Foundation's search (canonical equivalence) only where the bytes of 对照点 occur:
        // no other scalar or sequence is canonically equivalent to them, so without
        // those bytes it cannot match, and it is slow over tens of thousands of names.
        guard name.utf8.withContiguousStorageIfAvailable({ Self.containsControlBytes($0) }) ?? true else { return false }
        return name.contains("对照点")
    }

    private static let controlBytes = Array("对照点".utf8)

    private static func containsControlBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let needle = controlBytes
        guard bytes.count >= needle.count else { return false }
        for start in 0 ... bytes.count - needle.count where bytes[start] == needle[0] {
            var k = 1
            while k < needle.count && bytes[start + k] == needle[k] { k += 1 }
            if k == needle.count { return true }
        }
        return false
    }
}

/// A key whose byte-for-byte equality is cheap to test (see `StationRegistry.Runs`).
protocol RunKey {
    func sameBytes(as other: Self) -> Bool
}

extension String: RunKey {}

/// Where a table station comes from: its first row, and its first filled `sensor` cell.
struct TableSource: Sendable {
    var row: SourceLine
    var sensorCell: SourceLine?
}

/// A row of a registry file, for messages (`file:line`).
struct SourceLine: Sendable, CustomStringConvertible {
    var file: String
    var line: Int

    var description: String { "\(file):\(line)" }
}
