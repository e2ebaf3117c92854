import Foundation
import HazeModel
import Synchronization

extension StationRegistry {
    /// The folder of dated national lists inside a registry directory.
    static let listFolder = "national"

    /// Loads a registry directory: every `*.csv` in it (city aliases first,
    /// then station tables and membership files in name order) and every
    /// `national/YYYY-MM-DD.csv` dated list. Other folders (e.g. `provenance/`)
    /// are not read. With a `cache`, the image of an earlier load of exactly
    /// the same files by the same build is taken instead of parsing them, and
    /// a new one written after parsing (see `RegistryCache`).
    ///
    /// `imageLater`: a new image is kept to be written by
    /// `RegistryCache.writeDeferredImages()` once the command is done, so the
    /// run that parses answers as soon as one without a cache.
    public static func load(directory: String, cache: RegistryCache? = nil, imageLater: Bool = false) throws(RegistryError) -> StationRegistry {
        var use: RegistryCache.Use?
        return try load(directory: directory, cache: cache, imageLater: imageLater, use: &use)
    }

    /// `load(directory:cache:imageLater:)`, telling what became of the cache (nil: none used).
    static func load(directory: String, cache: RegistryCache?, imageLater: Bool = false,
                     use: inout RegistryCache.Use?) throws(RegistryError) -> StationRegistry {
        var files: RegistryFingerprint?
        return try load(directory: directory, cache: cache, imageLater: imageLater, use: &use, files: &files)
    }

    /// A registry directory's files as one load reads them.
    struct DirectoryFiles {
        /// The `*.csv` names in the directory, sorted.
        var names: [String]
        /// The dated lists' names in `national/`, sorted.
        var listNames: [String]
        /// The lists' paths, and every file's path (the names', then the lists').
        var listPaths: [String]
        var paths: [String]
        /// Each file's bytes, or why it could not be read.
        var contents: [Result<[UInt8], RegistryError>]

        /// The fingerprint of these files loaded by this build, when every one
        /// was read and the cache may be used for the directory; nil otherwise.
        func fingerprint(directory: String, cache: RegistryCache?) -> RegistryFingerprint? {
            guard let cache, !cache.isInside(directory), let loader = LoaderIdentity.current,
                  contents.allSatisfy({ (try? $0.get()) != nil }) else { return nil }
            let relative = names + listNames.map { listFolder + "/" + $0 }
            let files = zip(relative, contents).map { name, content in
                RegistryFingerprint.File(name: name, bytes: (try? content.get()) ?? [])
            }
            return RegistryFingerprint(directory: directory, loader: loader, files: files)
        }
    }

    /// Lists and reads a registry directory's files (see `load(directory:cache:imageLater:)`).
    static func readFiles(in directory: String) throws(RegistryError) -> DirectoryFiles {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .directoryNotFound(directory)
        }
        let names = try csvNames(in: directory)
        let listDirectory = (directory as NSString).appendingPathComponent(listFolder)
        var listNames: [String] = []
        if FileManager.default.fileExists(atPath: listDirectory, isDirectory: &isDirectory), isDirectory.boolValue {
            listNames = try csvNames(in: listDirectory)
        }
        guard !names.isEmpty || !listNames.isEmpty else { throw .noRegistryFiles(directory) }
        let listPaths = listNames.map { (listDirectory as NSString).appendingPathComponent($0) }
        let paths = names.map { (directory as NSString).appendingPathComponent($0) } + listPaths
        let contents = paths.map { path in
            Result { () throws(RegistryError) in try Self.bytes(of: path) }
        }
        return DirectoryFiles(names: names, listNames: listNames, listPaths: listPaths, paths: paths, contents: contents)
    }

    /// `load(directory:cache:imageLater:use:)`, also giving the fingerprint of the
    /// files it loaded (nil without a cache or when a file could not be read):
    /// what a derivation of this registry is kept under (`RegistryDerivation`).
    static func load(directory: String, cache: RegistryCache?, imageLater: Bool = false,
                     use: inout RegistryCache.Use?, files made: inout RegistryFingerprint?) throws(RegistryError) -> StationRegistry {
        let read = try readFiles(in: directory)
        let (names, listNames, listPaths, paths, contents) = (read.names, read.listNames, read.listPaths, read.paths, read.contents)
        // The image only when every file was read: an unreadable one is reported as without a cache.
        let fingerprint = read.fingerprint(directory: directory, cache: cache)
        made = fingerprint
        if let cache, let fingerprint, let registry = cache.registry(matching: fingerprint) {
            use = .taken
            return registry
        }
        // Every file is parsed at once on both cores; each one's error is
        // thrown where reading them one by one would have met it.
        let parsed = parseAll(contents, paths: paths)
        var tables: [RegistryTable] = []
        for result in parsed.prefix(names.count) { tables.append(try result.get()) }
        var registry = StationRegistry()
        registry.reserveCapacity(adding: tables.reduce(0) { $0 + ($1.kind == .stations ? $1.rows.count : 0) })
        // Aliases first: every city name of every other file goes through them.
        for table in tables where table.kind == .aliases { try registry.addAliases(table) }
        for table in tables where table.kind == .stations { try registry.addStations(table) }
        for (k, name) in listNames.enumerated() {
            guard case .success(let date) = CivilDate.parse(String(name.dropLast(4))) else { throw .badListName(file: listPaths[k]) }
            try registry.addList(try parsed[names.count + k].get(), effective: Day(date))
        }
        for table in tables where table.kind == .memberships { try registry.addMemberships(table) }
        try registry.validate()
        registry.reindex()
        if let cache, let fingerprint {
            if imageLater {
                cache.storeLater(registry, fingerprint: fingerprint)
                use = .deferred
            } else {
                use = cache.store(registry, fingerprint: fingerprint)
            }
        }
        return registry
    }

    private static func csvNames(in directory: String) throws(RegistryError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.lowercased().hasSuffix(".csv") }.sorted()
        } catch {
            throw .unreadable(file: directory, reason: "\(error)")
        }
    }

    /// The files' tables, each result in the order given: parsed concurrently
    /// when the work divides (no one file holds more than half the bytes; a
    /// second thread for one big file and a small one costs more than it saves).
    private static func parseAll(_ contents: [Result<[UInt8], RegistryError>],
                                 paths: [String]) -> [Result<RegistryTable, RegistryError>] {
        @Sendable func table(_ i: Int) -> Result<RegistryTable, RegistryError> {
            do throws(RegistryError) {
                return .success(try RegistryTable(bytes: try contents[i].get(), file: paths[i]))
            } catch {
                return .failure(error)
            }
        }
        let sizes = contents.map { (try? $0.get())?.count ?? 0 }
        guard contents.count > 1, let largest = sizes.max(), 2 * largest <= sizes.reduce(0, +) else {
            return contents.indices.map(table)
        }
        let results = Mutex([Result<RegistryTable, RegistryError>?](repeating: nil, count: contents.count))
        DispatchQueue.concurrentPerform(iterations: contents.count) { i in
            let result = table(i)
            results.withLock { $0[i] = result }
        }
        return results.withLock { $0 }.enumerated().map { i, result in
            result ?? .failure(.unreadable(file: paths[i], reason: "not read"))
        }
    }

    private static func read(_ path: String) throws(RegistryError) -> RegistryTable {
        try RegistryTable(bytes: try bytes(of: path), file: path)
    }

    /// The bytes of a registry file, which must be a regular file (never a FIFO
    /// to wait on, nor a device or directory named .csv).
    private static func bytes(of path: String) throws(RegistryError) -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw .unreadable(file: path, reason: String(cString: strerror(errno)))
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw .unreadable(file: path, reason: "not a regular file (a FIFO, device or directory named .csv); a registry file is a plain CSV file")
        }
        // Read straight into the array (through Data it was read, then copied: a
        // province's 2.7 MB twice, every page of both faulted in).
        guard let bytes = readWhole(path, sizeHint: Int(info.st_size)) else {
            throw .unreadable(file: path, reason: "permission denied or unreadable")
        }
        return bytes
    }

    /// Every byte of the file at `path` (read to its end, whatever its size
    /// now); nil when it cannot be opened or read.
    private static func readWhole(_ path: String, sizeHint: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        /// Reads into `buffer` from `start` until it is full or the file ends; nil on an error.
        func fill(_ buffer: UnsafeMutableBufferPointer<UInt8>, from start: Int) -> Int? {
            guard let base = buffer.baseAddress else { return start }
            var count = start
            while count < buffer.count {
                let n = Glibc.read(fd, base + count, buffer.count - count)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { return nil }
                if n == 0 { break }
                count += n
            }
            return count
        }
        // One byte more than the size: a file that did not grow ends inside the buffer.
        var failed = false
        var bytes = [UInt8](unsafeUninitializedCapacity: max(sizeHint, 0) + 1) { buffer, count in
            if let filled = fill(buffer, from: 0) { count = filled } else { failed = true }
        }
        guard !failed else { return nil }
        if bytes.count <= max(sizeHint, 0) { return bytes }
        // It grew while being read: the rest, a chunk at a time.
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            guard let count = chunk.withUnsafeMutableBufferPointer({ fill($0, from: 0) }) else { return nil }
            bytes.append(contentsOf: chunk.prefix(count))
            if count < chunk.count { return bytes }
        }
    }

    /// Adds one registry file (station table, membership file or aliases, told apart by the header).
    public mutating func add(contentsOf path: String) throws(RegistryError) {
        try add(table: try Self.read(path))
    }

    /// Adds registry CSV bytes; `file` names the source in errors.
    public mutating func add(csv bytes: [UInt8], file: String) throws(RegistryError) {
        try add(table: try RegistryTable(bytes: bytes, file: file))
    }

    /// Adds a dated list's CSV bytes (the format of a station table) in force from `effective`.
    mutating func addList(csv bytes: [UInt8], file: String, effective: Day) throws(RegistryError) {
        try addList(try RegistryTable(bytes: bytes, file: file), effective: effective)
        try validate()
        reindex()
    }

    private mutating func add(table: RegistryTable) throws(RegistryError) {
        switch table.kind {
        case .aliases: try addAliases(table)
        case .stations: try addStations(table)
        case .memberships: try addMemberships(table)
        }
        try validate()
        reindex()
    }

    private mutating func addAliases(_ table: RegistryTable) throws(RegistryError) {
        let aliasColumn = try table.column("alias")
        let cityColumn = try table.column("city")
        let useColumn = try table.column("use", required: false)
        for row in table.rows {
            let alias = row.text(aliasColumn), city = row.text(cityColumn)
            guard !alias.isEmpty, !city.isEmpty else {
                throw .badRow(file: table.file, line: row.line, field: alias.isEmpty ? "alias" : "city", reason: "empty")
            }
            let use = row.text(useColumn).lowercased()
            guard ["", "name", "suggest"].contains(use) else {
                throw .badRow(file: table.file, line: row.line, field: "use", reason: "'\(use)' is not name or suggest")
            }
            try add(alias: alias, city: city, suggestOnly: use == "suggest", source: "\(table.file):\(row.line)")
        }
        flattenAliases()
    }

    private mutating func addStations(_ table: RegistryTable) throws(RegistryError) {
        let stations = try Self.stations(of: table)
        reserveCapacity(adding: stations.count)
        for (line, station, sensorGiven) in stations {
            try merge(station, file: table.file, line: line, sensorGiven: sensorGiven)
        }
    }

    private mutating func addList(_ table: RegistryTable, effective: Day) throws(RegistryError) {
        var list = StationList(effective: effective, file: table.file)
        list.reserveCapacity(table.rows.count)
        for (line, var station, _) in try Self.stations(of: table) {
            // A dated national list is the list of standard monitoring stations: a
            // micro-sensor there would silently leave the city's value (or a
            // standard station be taken for a sensor).
            if station.isSensor {
                throw .badRow(file: table.file, line: line, field: "sensor",
                              reason: "a dated national list holds standard monitoring stations, never a micro-sensor; flag micro-sensors in a station table (stations/*.csv)")
            }
            station.city = aliases.canonical(station.city)
            let district = station.district
            station.district = ""
            try list.add(station, line: line)
            if !district.isEmpty {
                // A list's district column is a membership while the list is in force.
                try addMembership(UnitMembership(code: station.code, layer: UnitMembership.districtLayer, unit: district,
                                                 file: table.file, line: line))
            }
        }
        add(list: list)
    }

    private mutating func addMemberships(_ table: RegistryTable) throws(RegistryError) {
        let codeColumn = try table.column("code")
        let layerColumn = try table.column("layer")
        let unitColumn = try table.column("unit")
        let fromColumn = try table.column("from", required: false)
        let toColumn = try table.column("to", required: false)
        for row in table.rows {
            func required(_ column: Int?, _ name: String) throws(RegistryError) -> String {
                let value = row.text(column)
                if value.isEmpty { throw .badRow(file: table.file, line: row.line, field: name, reason: "empty \(name)") }
                return value
            }
            func date(_ column: Int?, _ name: String) throws(RegistryError) -> Day? {
                let value = row.text(column)
                if value.isEmpty { return nil }
                switch CivilDate.parse(value) {
                case .success(let date): return Day(date)
                case .failure(let refusal):
                    throw .badRow(file: table.file, line: row.line, field: name, reason: "'\(value)' is \(refusal); a date is YYYY-MM-DD (inclusive), empty for an open end")
                }
            }
            let code = try required(codeColumn, "code")
            let layer = try required(layerColumn, "layer")
            let unit = try required(unitColumn, "unit")
            let span = DateSpan(from: try date(fromColumn, "from"), to: try date(toColumn, "to"))
            if let from = span.from, let to = span.to, to < from {
                throw .badRow(file: table.file, line: row.line, field: "to", reason: "\(to) is before from \(from)")
            }
            try addMembership(UnitMembership(code: code, layer: layer, unit: unit, span: span,
                                             file: table.file, line: row.line))
        }
    }

    /// The stations of a table in the station format, with their line numbers
    /// and whether the row's `sensor` cell says anything (1/Y or 0/N, not empty).
    static func stations(of table: RegistryTable) throws(RegistryError) -> [(line: Int, station: Station, sensorGiven: Bool)] {
        let file = table.file
        let codeColumn = try table.column("code")
        let nameColumn = try table.column("name", required: false)
        let cityColumn = try table.column("city")
        let districtColumn = try table.column("district", required: false)
        let lonColumn = try table.column("longitude", required: false)
        let latColumn = try table.column("latitude", required: false)
        let controlColumn = try table.column("control", required: false)
        let sensorColumn = try table.column("sensor", required: false)
        var result: [(line: Int, station: Station, sensorGiven: Bool)] = []
        for row in table.rows {
            let line = row.line
            let code = row.text(codeColumn)
            if let problem = SeriesKey.codeProblem(code) {
                throw .badRow(file: file, line: line, field: "code",
                              reason: code.isEmpty ? problem : "'\(SeriesKey.printable(code))': \(problem)")
            }
            let city = row.text(cityColumn)
            guard !city.isEmpty else { throw .badRow(file: file, line: line, field: "city", reason: "empty city") }
            func coordinate(_ column: Int?, _ name: String, _ range: ClosedRange<Double>) throws(RegistryError) -> Double? {
                let value = row.text(column)
                // The national list writes an unknown coordinate as "-".
                // (By bytes: comparing every coordinate with a non-ASCII "—" as
                // strings went through Unicode normalisation.)
                if value.isEmpty || value.sameBytes(as: "-") || value.sameBytes(as: "—") { return nil }
                switch ExternalNumber.decimal(value, in: range) {
                case .success(let number): return number
                case .failure(let refusal):
                    throw .badRow(file: file, line: line, field: name, reason: "'\(value)' is \(refusal.problemText); a \(name) is in \(ExternalNumber.show(range))")
                }
            }
            func flag(_ column: Int?, _ name: String) throws(RegistryError) -> Bool {
                switch row.text(column).lowercased() {
                case "", "0", "n", "no", "false": return false
                case "1", "y", "yes", "true": return true
                case let other: throw .badRow(file: file, line: line, field: name, reason: "'\(other)' is not 1/0 or Y/N")
                }
            }
            let isControl = try flag(controlColumn, "control"), isSensor = try flag(sensorColumn, "sensor")
            // Both would be a contradiction: a control point is a standard station set
            // apart from every value, a micro-sensor is not a standard station at all.
            if isControl && isSensor {
                throw .badRow(file: file, line: line, field: "sensor",
                              reason: "station \(code) is flagged both a control point (control=1) and a micro-sensor (sensor=1); a station is one or the other")
            }
            result.append((line, Station(code: code, name: row.text(nameColumn), city: city, district: row.text(districtColumn),
                                         longitude: try coordinate(lonColumn, "longitude", -180...180),
                                         latitude: try coordinate(latColumn, "latitude", -90...90),
                                         isControl: isControl, isSensor: isSensor),
                           !row.text(sensorColumn).isEmpty))
        }
        return result
    }
}

extension RegistryTable {
    /// What a registry file holds, told by its header.
    enum Kind { case stations, memberships, aliases }

    var kind: Kind {
        if header.contains("alias") { return .aliases }
        if header.contains("layer") && header.contains("unit") { return .memberships }
        return .stations
    }
}
