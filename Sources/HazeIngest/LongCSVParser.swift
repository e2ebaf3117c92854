import HazeModel

/// Reads the long CSV: `station,time,pollutant,value`, one reading per row.
///
/// Columns are found by name, in any order; extra columns are ignored. Values
/// are µg/m³, CO mg/m³ (kept to one decimal). Rows of other known
/// measurements (AQI, NOx, moving means …) are skipped and counted. Times
/// on the minute (micro-sensors, `--format long-minutes`) are gathered into
/// hours (`MinuteHours`).
struct LongCSVParser: Sendable {
    /// Every time is a minute (`--format long-minutes`): the rows are minute
    /// readings, made into hourly means; 01:00 is the minute ending then.
    let minutes: Bool

    init(minutes: Bool = false) { self.minutes = minutes }

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
        let header = CSVHeader(fields, of: scanner)
        guard let stationColumn = header.column("station"), let timeColumn = header.column("time"),
              let pollutantColumn = header.column("pollutant"), let valueColumn = header.column("value") else {
            batch.rejections.append(Rejection(source: source, line: 1, field: "header", value: header.names.joined(separator: ","),
                                              reason: "expected columns station,time,pollutant,value"))
            return batch
        }
        if !TextEncoding.isValidUTF8(bytes, 0 ..< bytes.count) {
            let kind = TextEncoding.looksLikeGBK(bytes, 0 ..< bytes.count) ? "GBK/GB18030-encoded" : "not UTF-8"
            batch.notes.append("\(source): the file is \(kind); only its ASCII fields can be read — \(TextEncoding.conversionHint(for: source))")
        }
        var unknownReported = Set<String>()
        var minuteHours = MinuteHours()
        var minuteRows = 0
        while scanner.nextRecord(into: &fields) {
            let line = scanner.lineNumber
            batch.linesRead += 1
            if fields.count == 1 && fields[0].isEmpty { continue }
            let rowRange = (fields.first?.range.lowerBound ?? 0) ..< (fields.last?.range.upperBound ?? 0)
            let rowText = { String(decoding: bytes[rowRange], as: UTF8.self) }
            guard fields.count == header.count else {
                batch.rejections.append(Rejection(source: source, line: line, field: "row", value: rowText(),
                                                  reason: "expected \(header.count) fields, found \(fields.count)"))
                continue
            }
            let stationField = fields[stationColumn]
            guard TextEncoding.isValidUTF8(bytes, stationField.range) else {
                batch.rejections.append(Rejection(source: source, line: line, field: "station", value: rowText(),
                                                  reason: "station code is not UTF-8; \(TextEncoding.conversionHint(for: source))"))
                continue
            }
            let station = scanner.trimmedString(fields[stationColumn])
            let timeText = scanner.trimmedString(fields[timeColumn])
            let pollutantText = scanner.trimmedString(fields[pollutantColumn])
            let valueText = scanner.trimmedString(fields[valueColumn])
            func reject(_ field: String, _ value: String, _ reason: String, time: String = "") {
                batch.rejections.append(Rejection(source: source, line: line, field: field, station: SeriesKey.printable(station),
                                                  time: time.isEmpty ? timeText : time, pollutant: pollutantText,
                                                  value: value, reason: reason))
            }
            guard let pollutant = Pollutant(name: pollutantText) else {
                if pollutantText.isEmpty {
                    reject("pollutant", pollutantText, "empty pollutant")
                } else if OtherPollutant.isKnown(pollutantText) {
                    batch.otherRowsSkipped += 1  // AQI, NOx, moving means …: not stored, by design
                } else {
                    reject("pollutant", pollutantText, "unrecognised pollutant '\(pollutantText)': not one of PM2.5, PM10, SO2, NO2, CO, O3 (nor another known measurement); row not read")
                }
                continue
            }
            if let problem = SeriesKey.codeProblem(station) {
                reject("station", SeriesKey.printable(station), problem)
                continue
            }
            // Hourly rows name their hour; minute rows (`long-minutes`) their minute,
            // whose hour is the one it ends in.
            var minute: Int? = nil
            let time: Result<Hour, ISOHour.Failure> = minutes
                ? ISOHour.instant(timeText, defaultZone: context.zone).flatMap { instant in
                    minute = instant.index
                    return instant.second == 0 ? .success(MinuteHours.hour(ofMinute: instant.index)) : .failure(.notOnTheHour)
                }
                : ISOHour.parse(timeText, defaultZone: context.zone)
            let hour: Hour
            switch time {
            case .success(let h): hour = h
            case .failure(.notOnTheHour):
                reject("time", timeText, minutes ? "'\(timeText)' is not on the minute (minute data are whole minutes)"
                                                 : "'\(timeText)' is not on the hour (readings are hourly means; minute data: --format long-minutes)")
                continue
            case .failure(.malformed):
                reject("time", timeText, "'\(timeText)' is not an ISO-8601 time (e.g. 2019-01-01T08:00+08:00)")
                continue
            case .failure(let failure):
                reject("time", timeText, "'\(timeText)' is \(failure)")
                continue
            }
            let localTime = context.zone.format(hour)
            guard hour <= context.latestHour else { reject("time", timeText, "\(localTime) is in the future"); continue }
            let parsed = valueText.utf8.withContiguousStorageIfAvailable { buffer in
                ConcentrationText.parse(buffer, 0 ..< buffer.count, tenths: pollutant == .co)
            } ?? .invalid("unreadable")
            switch parsed {
            case .missing:
                batch.rowsWithoutValue += 1
                continue
            case .invalid(let reason):
                batch.valuesRead += 1
                reject("value", valueText, reason, time: localTime)
            case .value(let value):
                batch.valuesRead += 1
                if let policy = context.refusal(for: station) {
                    if policy == .skip { batch.unknownSkipped += 1; continue }
                    if unknownReported.insert(station).inserted {
                        batch.notes.append("\(source): station \(station) is not in the registry; its rows are quarantined")
                    }
                    reject("station", valueText, "station \(station) is not in the station registry (add it to stations/ or use --unknown-stations store)", time: localTime)
                    continue
                }
                let key = batch.key(SeriesKey(station: station, pollutant: pollutant))
                guard let minute else {
                    batch.append(key: key, hour: hour, value: value, line: line)
                    continue
                }
                // The mean is of the values as written; the stored-unit parse above only checked them.
                guard case .success(let exact) = ExternalNumber.decimal(valueText, in: 0 ... Double(Pollutant.maximumConcentration)) else {
                    reject("value", valueText, "not a decimal concentration", time: localTime)
                    continue
                }
                if let earlier = minuteHours.add(key: key, minute: minute, value: exact, line: line) {
                    reject("time", timeText, "minute \(timeText) of \(station) \(pollutant.displayName) is already given on line \(earlier)")
                } else {
                    minuteRows += 1
                }
            }
        }
        if minuteRows > 0 {
            let summary = minuteHours.close(into: &batch)
            var note = "\(source): \(minuteRows) minute reading(s) made \(summary.hoursFormed) hourly mean(s) (≥ \(MinuteHours.minutesNeeded) minutes in the hour, GB 3095-2012 Table 4)"
            if summary.hoursTooShort > 0 {
                note += "; \(summary.hoursTooShort) station-hour(s) had fewer minutes and stay missing (their \(summary.minutesInShortHours) minute value(s) are not stored)"
            }
            batch.notes.append(note)
        }
        return batch
    }
}
