import HazeModel

/// Reads the CNEMC wide CSV: `date,hour,type,<station codes…>`, one row per
/// (hour, type), hour 0–23 of the file's date in Beijing time (UTC+8) —
/// always, whatever zone the store counts its days in.
///
/// The six hourly pollutant rows are read (`PM2.5`, `PM10`, `SO2`, `NO2`,
/// `CO`, `O3`; CO in mg/m³ with one decimal, stored in tenths); the nine
/// types CNEMC derives from them (`AQI`, the `*_24h` moving means, `O3_8h`,
/// `O3_8h_24h`) are skipped by design and counted, each with one `memchr`.
/// Columns are keyed on the header, which changes as stations open and close.
/// A station's series of a pollutant is created only when the file has rows
/// of that pollutant (a file of PM rows alone adds no gas series).
struct CNEMCWideParser: Sendable {
    /// Well-formed rows are read in one pass (`plainRow`); false reads every
    /// row cell by cell (the tests compare the two).
    var fastRows = true

    init() {}

    init(fastRows: Bool) { self.fastRows = fastRows }

    func parse(_ bytes: [UInt8], context: ParseContext) -> ParsedBatch {
        var readings: [ParsedBatch.Reading] = []
        return parse(bytes, context: context, reusing: &readings)
    }

    /// The same, filling `storage` (emptied; its capacity reused) as the
    /// batch's readings; `storage` is left empty.
    func parse(_ bytes: [UInt8], context: ParseContext, reusing storage: inout [ParsedBatch.Reading]) -> ParsedBatch {
        var batch = ParsedBatch()
        let source = context.source
        var scanner = CSVScanner(bytes: bytes)
        var fields: [CSVField] = []
        fields.reserveCapacity(2048)
        guard scanner.nextRecord(into: &fields) else {
            batch.notes.append("\(source): the file is empty")
            return batch
        }
        batch.linesRead = 1
        let header = fields.map { scanner.trimmedString($0) }
        guard header.count >= 3, header[0].lowercased() == "date", header[1].lowercased() == "hour",
              header[2].lowercased() == "type" else {
            batch.rejections.append(Rejection(source: source, line: 1, field: "header",
                                              value: header.prefix(4).joined(separator: ","),
                                              reason: "expected a CNEMC header starting date,hour,type"))
            return batch
        }
        let columns = Array(header.dropFirst(3))
        if let first = fields.first, let last = fields.last,
           !TextEncoding.isValidUTF8(bytes, first.range.lowerBound ..< last.range.upperBound) {
            batch.notes.append("\(source):1: the header is not UTF-8; \(TextEncoding.conversionHint(for: source))")
        }

        // Per pollutant (by code) and column: the station's key, made when the
        // pollutant's first row comes; per column why its values are refused.
        var keysByCode = [[Int32]?](repeating: nil, count: 8)
        var accepted = [Bool](repeating: false, count: columns.count)
        var refusal = [String?](repeating: nil, count: columns.count)
        var skipColumn = [Bool](repeating: false, count: columns.count)
        var seen = Set<String>(minimumCapacity: columns.count)
        // A column's name in messages and the quarantine: control characters
        // shown as `\u{…}`, never written raw into a CSV or onto a terminal.
        var labels = columns
        for (c, code) in columns.enumerated() {
            if code.isEmpty {
                refusal[c] = "column \(c + 4) has no station code in the header"
            } else if let problem = SeriesKey.codeProblem(code) {
                // Any invalid code, a NUL or other control character included (found
                // in review: with --unknown-stations store a NUL reached the store,
                // which stopped the whole run with "longer than 24 bytes").
                labels[c] = SeriesKey.printable(code)
                refusal[c] = "\(problem) (column \(c + 4) of the header); column quarantined"
                batch.notes.append("\(source):1: column \(c + 4) '\(labels[c])': \(problem); its values are quarantined")
            } else if !seen.insert(code).inserted {
                refusal[c] = "station \(code) appears twice in the header; this column is ignored"
            } else if let policy = context.refusal(for: code) {
                if policy == .skip { skipColumn[c] = true } else {
                    refusal[c] = "station \(code) is not in the station registry (add it to stations/ or use --unknown-stations store)"
                }
            } else {
                accepted[c] = true
            }
        }
        func keys(for pollutant: Pollutant) -> [Int32] {
            let code = Int(pollutant.rawValue)
            if let made = keysByCode[code] { return made }
            var made = [Int32](repeating: -1, count: columns.count)
            for c in columns.indices where accepted[c] {
                made[c] = batch.appendNewKey(SeriesKey(station: columns[c], pollutant: pollutant))
            }
            keysByCode[code] = made
            return made
        }
        let unknownColumns = columns.indices.filter { refusal[$0]?.contains("not in the station registry") == true }
        if !unknownColumns.isEmpty {
            let names = unknownColumns.prefix(8).map { columns[$0] }.joined(separator: ", ")
            batch.notes.append("\(source): \(unknownColumns.count) station column(s) not in the registry (\(names)\(unknownColumns.count > 8 ? ", …" : "")); their values are quarantined")
        }

        // Which (date, pollutant, hour) rows were present, to report gaps.
        var rowsSeen: [Int: [Pollutant: Set<Int>]] = [:]
        var lastLine = 1
        // Filled here and handed to the batch at the end: one allocation
        // sized for the file (the national files hold a value per ≈ 8 bytes).
        var readings: [ParsedBatch.Reading] = []
        swap(&readings, &storage)
        readings.removeAll(keepingCapacity: true)
        // With room to spare when it grows, so that a reused array fits the next, larger file too.
        let expected = bytes.count / 6 + 16
        if readings.capacity < expected { readings.reserveCapacity(expected + expected / 4) }
        var valuesRead = 0
        // A row's readings on the fast path, appended once the row is whole.
        var stage = [ParsedBatch.Reading](repeating: ParsedBatch.Reading(key: 0, hour: 0, value: 0, line: 0),
                                          count: columns.count)
        let maximum = Pollutant.maximumConcentration
        while scanner.nextRecordPrefix(fields: &fields, limit: 3) {
            let line = scanner.lineNumber
            lastLine = line
            batch.linesRead += 1
            if fields.count < 3 {
                scanner.skipRestOfRecord()
                if fields.count == 1 && fields[0].isEmpty { continue }  // blank line
                batch.rejections.append(Rejection(source: source, line: line, field: "row",
                                                  value: lineText(bytes, fields),
                                                  reason: "expected date,hour,type and \(columns.count) station columns; found \(fields.count) field(s)"))
                continue
            }
            if Self.isDerivedType(fields[2], of: scanner) {
                // AQI, PM2.5_24h, O3_8h … as CNEMC spells them: skipped and
                // counted as below, without making strings of them.
                scanner.skipRestOfRecord()
                batch.otherRowsSkipped += 1
                continue
            }
            let pollutant: Pollutant
            if scanner.field(fields[2], equals: "PM2.5") { pollutant = .pm25 }
            else if scanner.field(fields[2], equals: "PM10") { pollutant = .pm10 }
            else if scanner.field(fields[2], equals: "SO2") { pollutant = .so2 }
            else if scanner.field(fields[2], equals: "NO2") { pollutant = .no2 }
            else if scanner.field(fields[2], equals: "CO") { pollutant = .co }
            else if scanner.field(fields[2], equals: "O3") { pollutant = .o3 }
            else if let other = Pollutant(name: scanner.trimmedString(fields[2])) {
                pollutant = other  // a re-exported file with its own spelling (pm2.5, PM25, PM₂.₅, PM2,5)
            } else {
                scanner.skipRestOfRecord()
                let type = scanner.trimmedString(fields[2])
                if OtherPollutant.isKnown(type) {
                    batch.otherRowsSkipped += 1  // AQI, PM2.5_24h, O3_8h …: derived by CNEMC, not stored, by design
                } else {
                    batch.rejections.append(Rejection(
                        source: source, line: line, field: "type", value: type,
                        reason: "unrecognised type '\(type)': neither one of the six pollutants (PM2.5, PM10, SO2, NO2, CO, O3) nor one of CNEMC's derived types (AQI, the _24h and _8h means); row not read"))
                }
                continue
            }
            let dateText = scanner.trimmedString(fields[0])
            let hourText = scanner.trimmedString(fields[1])
            let date: CivilDate
            switch CivilDate.parse(dateText) {
            case .success(let parsed): date = parsed
            case .failure(let refusal):
                scanner.skipRestOfRecord()
                let reason = refusal == .malformed ? "'\(dateText)' is not a date (YYYYMMDD)" : "'\(dateText)' is \(refusal) (\(SupportedCalendar.description))"
                batch.rejections.append(Rejection(source: source, line: line, field: "date", pollutant: pollutant.displayName,
                                                  value: dateText, reason: reason))
                continue
            }
            guard case .success(let hourOfDay) = ExternalNumber.wholeNumber(hourText, in: 0...23) else {
                scanner.skipRestOfRecord()
                batch.rejections.append(Rejection(source: source, line: line, field: "hour", pollutant: pollutant.displayName,
                                                  value: hourText, reason: "'\(hourText)' is not an hour 0–23"))
                continue
            }
            // CNEMC hours are Beijing time, whatever zone the store counts its days in.
            let hour = LocalZone.beijing.hour(day: Day(date), hourOfDay: hourOfDay)
            guard hour <= context.latestHour else {
                scanner.skipRestOfRecord()
                let time = context.zone.format(hour)
                batch.rejections.append(Rejection(source: source, line: line, field: "date", time: time,
                                                  pollutant: pollutant.displayName, value: dateText,
                                                  reason: "\(time) is in the future"))
                continue
            }
            let hourStamp = Int32(hour.index), lineStamp = Int32(clamping: line)
            // A well-formed row (every cell empty or a plain number in range, of
            // an accepted column, as many cells as columns) is read in one pass
            // over its bytes; any other row, and the first row of a pollutant
            // (which makes its keys), is read cell by cell below.
            if fastRows, let keys = keysByCode[Int(pollutant.rawValue)], !columns.isEmpty {
                var staged = 0
                let tenths = pollutant == .co
                let plain = scanner.takeRemainder { base, start, end in
                    keys.withUnsafeBufferPointer { keys in
                        stage.withUnsafeMutableBufferPointer { stage in
                            guard let count = Self.plainRow(base, start, end, keys: keys, tenths: tenths, maximum: maximum,
                                                            hour: hourStamp, line: lineStamp, into: stage) else { return false }
                            staged = count
                            return true
                        }
                    }
                }
                if plain {
                    rowsSeen[date.dayNumber, default: [:]][pollutant, default: []].insert(hourOfDay)
                    stage.withUnsafeBufferPointer { readings.append(contentsOf: $0[0 ..< staged]) }
                    valuesRead += staged
                    continue
                }
            }
            let time = context.zone.format(hour)
            let rowStart = fields[0].range.lowerBound
            scanner.nextRecordRemainder(into: &fields)
            let cells = fields.count - 3
            guard cells == columns.count else {
                let truncated = scanner.lastRecordHadNoTerminator && cells < columns.count
                let reason = truncated
                    ? "row ends after \(cells) of \(columns.count) station fields at the end of the file (truncated); row quarantined"
                    : "expected \(columns.count) station fields, found \(cells); row quarantined"
                batch.rejections.append(Rejection(source: source, line: line, field: "row", time: time,
                                                  pollutant: pollutant.displayName,
                                                  value: String(decoding: bytes[rowStart ..< (fields.last?.range.upperBound ?? rowStart)], as: UTF8.self),
                                                  reason: reason))
                continue
            }
            rowsSeen[date.dayNumber, default: [:]][pollutant, default: []].insert(hourOfDay)
            let keys = keys(for: pollutant)
            let tenths = pollutant == .co
            bytes.withUnsafeBufferPointer { buffer in
                for c in 0..<cells {
                    let range = fields[c + 3].range
                    if range.isEmpty { continue }
                    switch ConcentrationText.parse(buffer, range, tenths: tenths) {
                    case .missing:
                        continue
                    case .value(let value):
                        valuesRead += 1
                        let key = keys[c]
                        if key >= 0 {
                            readings.append(ParsedBatch.Reading(key: key, hour: hourStamp, value: UInt16(value), line: lineStamp))
                        } else if skipColumn[c] {
                            batch.unknownSkipped += 1
                        } else {
                            batch.rejections.append(Rejection(
                                source: source, line: line, field: labels[c], station: labels[c], time: time,
                                pollutant: pollutant.displayName, value: pollutant.format(Double(value)),
                                reason: refusal[c] ?? "column refused"))
                        }
                    case .invalid(let reason):
                        valuesRead += 1
                        batch.rejections.append(Rejection(
                            source: source, line: line, field: labels[c], station: labels[c], time: time,
                            pollutant: pollutant.displayName,
                            value: String(decoding: buffer[range], as: UTF8.self), reason: reason))
                    }
                }
            }
        }
        batch.readings = readings
        batch.valuesRead += valuesRead
        reportGaps(rowsSeen, lastLine: lastLine, truncated: scanner.lastRecordHadNoTerminator, into: &batch, source: source)
        for (dayNumber, byPollutant) in rowsSeen {
            let both = (byPollutant[.pm25] ?? []).intersection(byPollutant[.pm10] ?? [])
            batch.hoursPerDate[CivilDate(dayNumber: dayNumber)] = both.count
        }
        return batch
    }

    /// The row types CNEMC derives (`AQI`, the `_24h` moving means, `O3_8h`),
    /// byte for byte as its files spell them: none is a `Pollutant` name and
    /// each is an `OtherPollutant` (`CNEMCWideParserTests` checks both), so
    /// matching them first skips them exactly as the general checks would.
    static let derivedTypes: [StaticString] = ["AQI", "PM2.5_24h", "PM10_24h", "SO2_24h", "NO2_24h", "O3_24h",
                                               "O3_8h", "O3_8h_24h", "CO_24h"]

    private static func isDerivedType(_ field: CSVField, of scanner: CSVScanner) -> Bool {
        for type in derivedTypes where scanner.field(field, equals: type) { return true }
        return false
    }

    /// Reads a row's cells `start ..< end` (after `date,hour,type,`; `base[end]`
    /// is the line break) into `stage` when every cell is empty or a plain
    /// number in range (`ConcentrationText.plain`), every number is in a
    /// column with a key, and there are exactly `keys.count` cells; returns
    /// how many readings it staged. Nil for any other row, which the caller
    /// then reads cell by cell (and quarantines what it must).
    @inline(__always)
    private static func plainRow(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, keys: UnsafeBufferPointer<Int32>,
                                 tenths: Bool, maximum: Int, hour: Int32, line: Int32,
                                 into stage: UnsafeMutableBufferPointer<ParsedBatch.Reading>) -> Int? {
        let last = keys.count - 1
        guard last >= 0, stage.count > last, let out = stage.baseAddress, let key = keys.baseAddress else { return nil }
        var i = start, column = 0, staged = 0
        while true {
            let value = ConcentrationText.plain(base, &i, tenths: tenths, maximum: maximum)
            if value >= 0 {
                let k = key[column]
                guard k >= 0 else { return nil }
                out[staged] = ParsedBatch.Reading(key: k, hour: hour, value: UInt16(truncatingIfNeeded: value), line: line)
                staged &+= 1
            } else if value == ConcentrationText.notPlain {
                return nil
            }
            if i == end { return column == last ? staged : nil }
            guard base[i] == UInt8(ascii: ","), column < last else { return nil }
            column &+= 1
            i &+= 1
        }
    }

    /// Notes which hours of each date lack rows of the pollutants the file
    /// has (a day file should have 0–23), one note per set of missing hours:
    /// `2019-02-03 PM2.5, PM10, SO2, NO2, CO, O3: no rows for hour(s) 22`.
    private func reportGaps(_ rowsSeen: [Int: [Pollutant: Set<Int>]], lastLine: Int, truncated: Bool,
                            into batch: inout ParsedBatch, source: String) {
        if rowsSeen.isEmpty {
            batch.notes.append("\(source): no rows of PM2.5, PM10, SO2, NO2, CO or O3")
            return
        }
        let present = Pollutant.allCases.filter { p in rowsSeen.values.contains { $0[p] != nil } }
        for dayNumber in rowsSeen.keys.sorted() {
            let date = CivilDate(dayNumber: dayNumber)
            var groups: [(missing: [Int], pollutants: [Pollutant])] = []
            for pollutant in present {
                let hours = rowsSeen[dayNumber]?[pollutant] ?? []
                let missing = (0...23).filter { !hours.contains($0) }
                guard !missing.isEmpty else { continue }
                if let i = groups.firstIndex(where: { $0.missing == missing }) { groups[i].pollutants.append(pollutant) }
                else { groups.append((missing, [pollutant])) }
            }
            for group in groups {
                let names = group.pollutants.map(\.displayName).joined(separator: ", ")
                var note = "\(source): \(date) \(names): no rows for hour(s) \(Self.describe(group.missing))"
                if truncated && dayNumber == rowsSeen.keys.max() && group.missing.last == 23 {
                    note += " — the file ends at line \(lastLine) without a line break, it looks truncated"
                }
                batch.notes.append(note)
            }
        }
    }

    /// `[7,8,9,10,22]` → `7–10, 22`
    static func describe(_ hours: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        while i < hours.count {
            var j = i
            while j + 1 < hours.count && hours[j + 1] == hours[j] + 1 { j += 1 }
            parts.append(i == j ? "\(hours[i])" : "\(hours[i])–\(hours[j])")
            i = j + 1
        }
        return parts.joined(separator: ", ")
    }

    private func lineText(_ bytes: [UInt8], _ fields: [CSVField]) -> String {
        guard let first = fields.first, let last = fields.last else { return "" }
        return String(decoding: bytes[first.range.lowerBound ..< last.range.upperBound], as: UTF8.self)
    }
}
