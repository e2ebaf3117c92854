import HazeModel

/// A loaded registry written out whole, with the fingerprint of the files it
/// was loaded from, so that the next run can take it instead of parsing and
/// checking the CSV again (see `RegistryCache`).
///
/// Layout: `HAZE-REG`, the format (UInt32), the fingerprint with the files'
/// bytes (compared byte for byte, so it needs no checksum of its own), the
/// CRC-32 of the rest (UInt32), then the string table and the body
/// (`ImageWriter`): the registry's state as loading left it — stations,
/// lookups, lists, tables, memberships, aliases, warnings — and an end mark.
/// The lookups are stored rather than rebuilt: rebuilding them is a third of
/// what loading costs.
enum RegistryImage {
    static let magic = Array("HAZE-REG".utf8)
    /// Bumped whenever the layout or what loading builds changes.
    static let format: UInt32 = 2
    private static let endMark: UInt32 = 0x4745_5245   // "EREG"
    /// The magic and the format.
    static let headerSize = 12

    static func encode(_ registry: StationRegistry, fingerprint: RegistryFingerprint) -> [UInt8] {
        // About a code, a name and a source line's file per station, and 200 body bytes.
        var w = ImageWriter(strings: registry.stations.count * 2 + 1024, bytes: registry.stations.count * 200 + 4096)
        w.count(registry.stations.count)
        for station in registry.stations { write(station, to: &w) }
        writeIndexLists(registry.byCity.map { ($0.key, $0.value) }, to: &w)
        w.count(registry.byDistrict.count)
        for (key, positions) in registry.byDistrict {
            w.string(key.city)
            w.string(key.district)
            writePositions(positions, to: &w)
        }
        w.count(registry.lists.count)
        for list in registry.lists {
            w.int(list.effective.index)
            w.string(list.file)
            w.count(list.codes.count)
            for code in list.codes { write(list.stations[code] ?? Station(code: code, name: "", city: ""), to: &w) }
        }
        w.count(registry.tables.count)
        for station in registry.tables.values { write(station, to: &w) }
        w.count(registry.tableSources.count)
        for (code, source) in registry.tableSources {
            w.string(code)
            write(source.row, to: &w)
            w.bool(source.sensorCell != nil)
            if let cell = source.sensorCell { write(cell, to: &w) }
        }
        w.count(registry.namedControl.count)
        for code in registry.namedControl { w.string(code) }
        w.count(registry.memberships.count)
        for (code, byLayer) in registry.memberships {
            w.string(code)
            w.count(byLayer.count)
            for (layer, memberships) in byLayer {
                w.string(layer)
                w.count(memberships.count)
                for m in memberships {
                    w.string(m.code)
                    w.string(m.unit)
                    w.day(m.span.from)
                    w.day(m.span.to)
                    w.string(m.file)
                    w.int(m.line)
                }
            }
        }
        w.count(registry.aliases.names.count)
        for (alias, city) in registry.aliases.names {
            w.string(alias)
            w.string(city)
        }
        w.count(registry.aliases.suggestions.count)
        for (spelling, cities) in registry.aliases.suggestions {
            w.string(spelling)
            w.count(cities.count)
            for city in cities { w.string(city) }
        }
        w.count(registry.warnings.count)
        for warning in registry.warnings {
            w.string(warning.source)
            w.string(warning.message)
        }
        w.count(registry.codesByCity.count)
        for (city, codes) in registry.codesByCity {
            w.string(city)
            w.count(codes.count)
            for code in codes { w.string(code) }
        }
        w.u32(endMark)
        let payload = w.bytes()
        var out = magic
        withUnsafeBytes(of: format.littleEndian) { out.append(contentsOf: $0) }
        fingerprint.write(into: &out)
        withUnsafeBytes(of: CRC32.checksum(payload).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: payload)
        return out
    }

    /// The registry in `bytes` when they are an intact image of this format
    /// made from files with exactly `fingerprint`; nil otherwise (another
    /// format, other files, or damage: the checksum, a short or inconsistent body).
    static func decode(_ bytes: [UInt8], expecting fingerprint: RegistryFingerprint) -> StationRegistry? {
        bytes.withUnsafeBytes { decode($0, expecting: fingerprint) }
    }

    /// The same over bytes in place (a mapped image: `MappedImage`).
    static func decode(_ bytes: UnsafeRawBufferPointer, expecting fingerprint: RegistryFingerprint) -> StationRegistry? {
        guard let body = bodyOffset(of: bytes, expecting: fingerprint) else { return nil }
        do throws(ImageDamage) {
            var r = try ImageReader(bytes, from: body)
            return try read(&r)
        } catch {
            return nil
        }
    }

    /// Where the body of an image of this format made from exactly
    /// `fingerprint` begins, when its checksum (just before it) holds; nil otherwise.
    static func bodyOffset(of bytes: [UInt8], expecting fingerprint: RegistryFingerprint) -> Int? {
        bytes.withUnsafeBytes { bodyOffset(of: $0, expecting: fingerprint) }
    }

    /// The same over bytes in place.
    static func bodyOffset(of image: UnsafeRawBufferPointer, expecting fingerprint: RegistryFingerprint) -> Int? {
        guard image.count >= headerSize, image.prefix(8).elementsEqual(magic),
              UInt32(littleEndian: image.loadUnaligned(fromByteOffset: 8, as: UInt32.self)) == format
        else { return nil }
        var offset = headerSize
        guard fingerprint.isRecorded(in: image, at: &offset), image.count - offset >= 4 else { return nil }
        let crc = UInt32(littleEndian: image.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        offset += 4
        guard CRC32.checksum(UnsafeRawBufferPointer(rebasing: image[offset...])) == crc else { return nil }
        return offset
    }

    private static func read(_ r: inout ImageReader) throws(ImageDamage) -> StationRegistry {
        var registry = StationRegistry()
        let stationCount = try r.count()
        registry.stations.reserveCapacity(stationCount)
        registry.indexByCode.reserveCapacity(stationCount)
        for i in 0 ..< stationCount {
            let station = try readStation(&r)
            registry.stations.append(station)
            registry.indexByCode[station.code] = i
        }
        func positions() throws(ImageDamage) -> [Int] {
            let count = try r.count()
            var result: [Int] = []
            result.reserveCapacity(count)
            for _ in 0 ..< count {
                let i = Int(try r.u32())
                guard i < stationCount else { throw ImageDamage() }
                result.append(i)
            }
            return result
        }
        let cityCount = try r.count()
        registry.byCity.reserveCapacity(cityCount)
        for _ in 0 ..< cityCount {
            let city = try r.string()
            registry.byCity[city] = try positions()
        }
        let districtCount = try r.count()
        registry.byDistrict.reserveCapacity(districtCount)
        for _ in 0 ..< districtCount {
            let key = StationRegistry.DistrictKey(city: try r.string(), district: try r.string())
            registry.byDistrict[key] = try positions()
        }
        let listCount = try r.count()
        for _ in 0 ..< listCount {
            let index = try r.int()
            guard Day.representable.contains(index) else { throw ImageDamage() }
            let effective = Day(index)
            var list = StationList(effective: effective, file: try r.string())
            let count = try r.count()
            list.reserveCapacity(count)
            for _ in 0 ..< count {
                let station = try readStation(&r)
                list.stations[station.code] = station
                list.codes.append(station.code)
            }
            registry.lists.append(list)
            registry.listed.formUnion(list.codes)
        }
        let tableCount = try r.count()
        registry.tables.reserveCapacity(tableCount)
        for _ in 0 ..< tableCount {
            let station = try readStation(&r)
            registry.tables[station.code] = station
        }
        let sourceCount = try r.count()
        registry.tableSources.reserveCapacity(sourceCount)
        for _ in 0 ..< sourceCount {
            let code = try r.string()
            let row = try readLine(&r)
            registry.tableSources[code] = TableSource(row: row, sensorCell: try r.bool() ? try readLine(&r) : nil)
        }
        let namedCount = try r.count()
        for _ in 0 ..< namedCount { registry.namedControl.insert(try r.string()) }
        let memberCount = try r.count()
        registry.memberships.reserveCapacity(memberCount)
        for _ in 0 ..< memberCount {
            let code = try r.string()
            let layerCount = try r.count()
            var byLayer: [String: [UnitMembership]] = [:]
            byLayer.reserveCapacity(max(layerCount, 2))
            for _ in 0 ..< layerCount {
                let layer = try r.string()
                let count = try r.count()
                var memberships: [UnitMembership] = []
                memberships.reserveCapacity(count)
                for _ in 0 ..< count {
                    let code = try r.string(), unit = try r.string()
                    let span = DateSpan(from: try r.day(), to: try r.day())
                    memberships.append(UnitMembership(code: code, layer: layer, unit: unit, span: span,
                                                      file: try r.string(), line: try r.int()))
                }
                byLayer[layer] = memberships
            }
            registry.memberships[code] = byLayer
        }
        let aliasCount = try r.count()
        var names: [String: String] = [:]
        names.reserveCapacity(aliasCount)
        for _ in 0 ..< aliasCount {
            let alias = try r.string()
            names[alias] = try r.string()
        }
        let suggestionCount = try r.count()
        var suggestions: [String: [String]] = [:]
        for _ in 0 ..< suggestionCount {
            let spelling = try r.string()
            let count = try r.count()
            var cities: [String] = []
            for _ in 0 ..< count { cities.append(try r.string()) }
            suggestions[spelling] = cities
        }
        registry.aliases = CityAliases(names: names, suggestions: suggestions)
        let warningCount = try r.count()
        for _ in 0 ..< warningCount {
            registry.warnings.append(RegistryWarning(source: try r.string(), message: try r.string()))
        }
        let codeCityCount = try r.count()
        registry.codesByCity.reserveCapacity(codeCityCount)
        for _ in 0 ..< codeCityCount {
            let city = try r.string()
            let count = try r.count()
            var codes: [String] = []
            codes.reserveCapacity(count)
            for _ in 0 ..< count { codes.append(try r.string()) }
            registry.codesByCity[city] = codes
        }
        guard try r.u32() == endMark, r.isAtEnd else { throw ImageDamage() }
        return registry
    }

    private static func write(_ station: Station, to w: inout ImageWriter) { w.station(station) }

    private static func readStation(_ r: inout ImageReader) throws(ImageDamage) -> Station { try r.station() }

    private static func write(_ line: SourceLine, to w: inout ImageWriter) {
        w.string(line.file)
        w.int(line.line)
    }

    private static func readLine(_ r: inout ImageReader) throws(ImageDamage) -> SourceLine {
        SourceLine(file: try r.string(), line: try r.int())
    }

    private static func writeIndexLists(_ entries: [(String, [Int])], to w: inout ImageWriter) {
        w.count(entries.count)
        for (key, positions) in entries {
            w.string(key)
            writePositions(positions, to: &w)
        }
    }

    private static func writePositions(_ positions: [Int], to w: inout ImageWriter) {
        w.count(positions.count)
        for i in positions { w.u32(UInt32(i)) }
    }
}
