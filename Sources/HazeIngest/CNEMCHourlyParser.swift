import HazeModel

/// Reads the CNEMC platform's hourly snapshot (`cnemc-hourly`): one file per
/// hour, one row per station,
///
///     timepoint,stationcode,longitude,latitude,area,positionname,primarypollutant,aqi,
///     pm10,pm10_24h,pm2_5,pm2_5_24h,o3,o3_24h,o3_8h,o3_8h_24h,no2,no2_24h,so2,so2_24h,co,co_24h
///
/// (columns keyed on the header, in any order). `timepoint` is the Beijing
/// hour the values end at (`2026-10-09T0500` = 04:00–05:00), stored under
/// that label like the CNEMC wide files' hours. The six hourly columns
/// (`pm10`, `pm2_5`, `so2`, `no2`, `co` in mg/m³, `o3`) are stored; `NA` or
/// an empty cell is missing (the station's series exists, the hour has no
/// value); `/` means the station does not measure that pollutant, so no
/// series is made for it (the real-time AQI then does not
/// count it as missing, HJ 633—2026 §5.3.1). The columns CNEMC derives (`aqi`,
/// `primarypollutant`, the `_24h` means, `o3_8h`, `o3_8h_24h`) are not stored
/// and are counted. The ozone caveat of the samples' README: the 1-hour `o3`
/// column is the one that reproduces the published AQI (RULES.md §5.4); the
/// 8-hour columns are filled only at midnight and of doubtful meaning.
public struct CNEMCHourlyParser: Sendable {
    init() {}

    /// The hourly columns, by pollutant.
    static let pollutantColumns: [(String, Pollutant)] = [
        ("pm2_5", .pm25), ("pm10", .pm10), ("so2", .so2), ("no2", .no2), ("co", .co), ("o3", .o3),
    ]
    /// Columns CNEMC derives from the hourly values: read past, counted.
    static let derivedColumns: Set<String> = [
        "aqi", "primarypollutant", "pm10_24h", "pm2_5_24h", "o3_24h", "o3_8h", "o3_8h_24h", "no2_24h", "so2_24h", "co_24h",
    ]
    static let metadataColumns: Set<String> = ["timepoint", "stationcode", "longitude", "latitude", "area", "positionname"]

    /// True when a header line is the snapshot's.
    static func isHeader(_ columns: [String]) -> Bool {
        let names = Set(columns)
        return names.contains("timepoint") && names.contains("stationcode") && names.contains("pm2_5")
    }

    func parse(_ bytes: [UInt8], context: ParseContext) -> ParsedBatch {
        var batch = ParsedBatch()
        let source = context.source
        var scanner = CSVScanner(bytes: bytes)
        var fields: [CSVField] = []
        guard scanner.nextRecord(into: &fields) else {
            batch.notes.append("\(source): the file is empty")
            return batch
        }
        batch.linesRead = 1
        let headerLine = CSVHeader(fields, of: scanner)
        let header = headerLine.names
        guard let timeColumn = headerLine.column("timepoint"), let stationColumn = headerLine.column("stationcode") else {
            batch.rejections.append(Rejection(source: source, line: 1, field: "header", value: header.prefix(6).joined(separator: ","),
                                              reason: "expected a cnemc-hourly header with timepoint and stationcode columns"))
            return batch
        }
        let valueColumns = Self.pollutantColumns.compactMap { name, pollutant in headerLine.column(name).map { ($0, pollutant) } }
        let derived = header.indices.filter { Self.derivedColumns.contains(header[$0]) }
        let pollutantNames = Set(Self.pollutantColumns.map(\.0))
        let unknown = header.filter { !Self.derivedColumns.contains($0) && !Self.metadataColumns.contains($0)
                                      && !pollutantNames.contains($0) }
        if !unknown.isEmpty {
            batch.notes.append("\(source): column(s) not read: \(unknown.prefix(8).joined(separator: ", "))")
        }
        if valueColumns.isEmpty {
            batch.notes.append("\(source): no pollutant column (pm2_5, pm10, so2, no2, co, o3)")
        }
        var unknownReported = Set<String>()
        var hoursSeen = Set<Int>()
        while scanner.nextRecord(into: &fields) {
            let line = scanner.lineNumber
            batch.linesRead += 1
            if fields.count == 1 && fields[0].isEmpty { continue }
            let rowRange = (fields.first?.range.lowerBound ?? 0) ..< (fields.last?.range.upperBound ?? 0)
            guard fields.count == header.count else {
                let truncated = scanner.lastRecordHadNoTerminator && fields.count < header.count
                batch.rejections.append(Rejection(
                    source: source, line: line, field: "row", value: String(decoding: bytes[rowRange], as: UTF8.self),
                    reason: truncated ? "row ends after \(fields.count) of \(header.count) fields at the end of the file (truncated); row quarantined"
                                      : "expected \(header.count) fields, found \(fields.count)"))
                continue
            }
            let station = scanner.trimmedString(fields[stationColumn])
            let timeText = scanner.trimmedString(fields[timeColumn])
            func reject(_ field: String, _ value: String, _ reason: String, pollutant: String = "", time: String? = nil) {
                batch.rejections.append(Rejection(source: source, line: line, field: field, station: SeriesKey.printable(station),
                                                  time: time ?? timeText, pollutant: pollutant, value: value, reason: reason))
            }
            if let problem = SeriesKey.codeProblem(station) {
                reject("stationcode", SeriesKey.printable(station), problem)
                continue
            }
            guard let hour = Self.hour(timeText) else {
                reject("timepoint", timeText, "'\(timeText)' is not a snapshot time (YYYY-MM-DDTHH00, Beijing time, of the supported calendar)")
                continue
            }
            let time = context.zone.format(hour)
            guard hour <= context.latestHour else {
                reject("timepoint", timeText, "\(time) is in the future", time: time)
                continue
            }
            hoursSeen.insert(hour.index)
            let refusal = context.refusal(for: station)
            for index in derived where !Self.isMissing(scanner, fields[index]) { batch.derivedValuesSkipped += 1 }
            bytes.withUnsafeBufferPointer { buffer in
                for (index, pollutant) in valueColumns {
                    let field = fields[index]
                    if scanner.field(field, equals: "/") {
                        batch.notMonitored += 1
                        continue
                    }
                    if Self.isMissing(scanner, field) {
                        // Measured but missing this hour: the station has the series (the
                        // real-time AQI counts the pollutant as missing, not as unmeasured).
                        if refusal == nil { _ = batch.key(SeriesKey(station: station, pollutant: pollutant)) }
                        continue
                    }
                    batch.valuesRead += 1
                    switch ConcentrationText.parse(buffer, field.range, tenths: pollutant == .co) {
                    case .missing:
                        continue
                    case .invalid(let reason):
                        reject(header[index], String(decoding: buffer[field.range], as: UTF8.self), reason,
                               pollutant: pollutant.displayName, time: time)
                    case .value(let value):
                        if let refusal {
                            if refusal == .skip { batch.unknownSkipped += 1; continue }
                            if unknownReported.insert(station).inserted {
                                batch.notes.append("\(source): station \(station) is not in the registry; its values are quarantined (`haze stations --compare \(source)` lists every station of the snapshot the registry lacks)")
                            }
                            reject("stationcode", pollutant.format(Double(value)),
                                   "station \(station) is not in the station registry (add it to stations/ or use --unknown-stations store)",
                                   pollutant: pollutant.displayName, time: time)
                            continue
                        }
                        let key = batch.key(SeriesKey(station: station, pollutant: pollutant))
                        batch.append(key: key, hour: hour, value: value, line: line)
                    }
                }
            }
        }
        if hoursSeen.count > 1 {
            batch.notes.append("\(source): \(hoursSeen.count) different hours in one snapshot file")
        }
        return batch
    }

    static func isMissing(_ scanner: CSVScanner, _ field: CSVField) -> Bool {
        if field.isEmpty { return true }
        return scanner.field(field, equals: "NA") || scanner.trimmedString(field).isEmpty
    }

    /// The hour a `timepoint` names, in Beijing time: `2026-10-09T0500`,
    /// `2026-10-09T05:00:00`, `2026-10-09 05:00:00`, `2026-10-09T05` (minutes
    /// and seconds must be zero); nil outside the supported calendar.
    static func hour(_ text: String) -> Hour? {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 13, utf8[10] == UInt8(ascii: "T") || utf8[10] == UInt8(ascii: " "),
              case .success(let date) = CivilDate.parse(String(decoding: utf8[0 ..< 10], as: UTF8.self)) else { return nil }
        let rest = utf8[11...].filter { $0 != UInt8(ascii: ":") }
        guard [2, 4, 6].contains(rest.count), rest.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let digits = rest.map { Int($0 - 48) }
        let hourOfDay = digits[0] * 10 + digits[1]
        guard hourOfDay <= 23, digits.dropFirst(2).allSatisfy({ $0 == 0 }) else { return nil }
        return LocalZone.beijing.hour(day: Day(date), hourOfDay: hourOfDay)
    }

    /// The hours a snapshot's rows name (valid `timepoint`s only), for the
    /// day whose registry `haze stations --compare` compares it with.
    public static func hours(in bytes: [UInt8]) -> Set<Hour> {
        var scanner = CSVScanner(bytes: bytes)
        var fields: [CSVField] = []
        guard scanner.nextRecord(into: &fields) else { return [] }
        guard let time = fields.map({ scanner.trimmedString($0).lowercased() }).firstIndex(of: "timepoint") else { return [] }
        var hours = Set<Hour>()
        while scanner.nextRecord(into: &fields) {
            guard time < fields.count, let hour = Self.hour(scanner.trimmedString(fields[time])) else { continue }
            hours.insert(hour)
        }
        return hours
    }

    /// The stations a snapshot describes (code, name, city, coordinates),
    /// for comparing with the registry (`haze stations --compare`). The
    /// city is the `area` without a trailing 市 (`北京市` → `北京`), as the
    /// registry names cities.
    public static func stations(in bytes: [UInt8]) -> [Station] {
        var scanner = CSVScanner(bytes: bytes)
        var fields: [CSVField] = []
        guard scanner.nextRecord(into: &fields) else { return [] }
        let header = CSVHeader(fields, of: scanner)
        guard let code = header.column("stationcode") else { return [] }
        func index(_ name: String) -> Int? { header.column(name) }
        var result: [Station] = []
        var seen = Set<String>()
        while scanner.nextRecord(into: &fields) {
            guard fields.count == header.count else { continue }
            let text = { (i: Int?) -> String in i.map { scanner.trimmedString(fields[$0]) } ?? "" }
            let station = text(code)
            guard !station.isEmpty, seen.insert(station).inserted else { continue }
            var city = text(index("area"))
            if city.count > 1 && city.hasSuffix("市") { city.removeLast() }
            func coordinate(_ name: String, _ range: ClosedRange<Double>) -> Double? {
                guard case .success(let value) = ExternalNumber.decimal(text(index(name)), in: range) else { return nil }
                return value
            }
            result.append(Station(code: station, name: text(index("positionname")), city: city,
                                  longitude: coordinate("longitude", -180 ... 180), latitude: coordinate("latitude", -90 ... 90)))
        }
        return result
    }
}
