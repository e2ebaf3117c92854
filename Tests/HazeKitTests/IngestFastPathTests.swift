import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeStore
@testable import HazeIngest

/// The ingest's fast paths (issue 18) give exactly what the general code
/// gives: a plain cell read in one pass, a well-formed wide row read without
/// its field list, CNEMC's derived row types skipped by their bytes, the
/// roll-up's O3 statistics without arrays, and the PM2.5 > PM10 check made
/// while a row is written. Each is checked against the general path it
/// stands in for, on every input of a small alphabet or on the real files.
/// (That the stores stay byte-identical to those of the code before these
/// paths is `Tests/Benchmarks/same_store.sh`.)
@Suite("Ingest: the fast paths read what the general paths read", .onTestThreads)
struct IngestFastPathTests {
    /// `ConcentrationText.plain` on `text` followed by a comma (the separator it stops at).
    static func plain(_ text: String, tenths: Bool) -> (value: Int, stop: Int) {
        let bytes = Array(text.utf8) + [UInt8(ascii: ",")]
        return bytes.withUnsafeBufferPointer { buffer in
            var i = 0
            let value = ConcentrationText.plain(buffer.baseAddress!, &i, tenths: tenths, maximum: Pollutant.maximumConcentration)
            return (value, i)
        }
    }

    static func parse(_ text: String, tenths: Bool) -> ConcentrationText.Parsed {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { ConcentrationText.parse($0, 0 ..< bytes.count, tenths: tenths) }
    }

    /// Every string of up to six characters over digits, a dot, a space, a
    /// sign and a letter (with 5, 0 and 9 for the rounding edges), and
    /// longer numbers around the range's end: where `plain` reads the whole
    /// cell it gives `parse`'s value, and every plain decimal in range is read.
    @Test("a plain cell is read as ConcentrationText.parse reads it, for every cell of a small alphabet")
    func plainAgreesWithParse() {
        let alphabet = Array("0159. -x")
        var texts: [String] = [""]
        var frontier: [String] = [""]
        for _ in 0 ..< 6 {
            frontier = frontier.flatMap { prefix in alphabet.map { prefix + String($0) } }
            texts += frontier
        }
        texts += ["10000", "10000.4", "10000.5", "9999.5", "1000.05", "1000.95", "99999", "100000", "000010000",
                  "0.05", "0.15", "0.25", "0.35", "1.250000001", "1.25", "1.35", "7.0000000000000000001", "3.", ".5"]
        var fast = 0
        for text in texts {
            for tenths in [false, true] {
                let (value, stop) = Self.plain(text, tenths: tenths)
                let reference = Self.parse(text, tenths: tenths)
                let isPlain = text.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
                    && text.filter({ $0 == "." }).count <= 1
                if value == ConcentrationText.notPlain { 
                    // Handed to `parse`: never for a plain decimal of ≤ 5 whole digits that parse stores.
                    let whole = text.prefix { $0 != "." }
                    if isPlain, whole.count <= 5, case .value = reference {
                        Issue.record("'\(text)' (tenths \(tenths)) is plain and in range but was handed to parse")
                    }
                    continue
                }
                // `plain` stopped before a byte it does not read: the cell is
                // whole only when that byte is the separator.
                guard stop == text.utf8.count else { continue }
                fast += 1
                if value == ConcentrationText.empty {
                    #expect(text.isEmpty, "'\(text)' read as empty")
                    #expect(reference == .missing)
                } else {
                    #expect(reference == .value(value), "'\(text)' (tenths \(tenths)): plain \(value), parse \(reference)")
                }
            }
        }
        #expect(fast > 1000, "the fast path read \(fast) cells whole")
    }

    @Test("CNEMC's derived row types, matched by their bytes, are exactly those the general checks skip")
    func derivedTypes() {
        for type in CNEMCWideParser.derivedTypes {
            let name = type.description
            #expect(Pollutant(name: name) == nil, "\(name) is not one of the six")
            #expect(OtherPollutant.isKnown(name), "\(name) is skipped and counted")
        }
    }

    @Test("a CNEMC header told from its bytes is exactly what the general test of its columns calls one")
    func wideHeaderBytes() {
        let starts = ["date,hour,type", "DATE,Hour,TYPE", "\"date\",\"hour\",\"type\"", " date , hour , type ",
                      "date\r,hour,type", "date,hour,typ", "date,hour", "date;hour;type", "dáte,hour,type",
                      "date,hour,type\u{301}", "date,hour,t\u{301}ype", "ｄate,hour,type", "date,hour,,type", ""]
        let rests = ["", ",1001A,1002A", ",\u{301}1001A", ",", ",,", "\r", ",\u{301}", ",é", ",\"x\""]
        var fast = 0
        for start in starts {
            for rest in rests {
                let line = Array((start + rest).utf8)
                let quick = IngestFormat.startsWideHeader(line, 0 ..< line.count)
                if quick { fast += 1 }
                // Whenever the bytes say so, the general test agrees.
                if quick { #expect(IngestFormat.detectByColumns(line, 0 ..< line.count) == .cnemcWide, "\(start + rest)") }
                // The line as a file holds it, with its line break (a text with a CR and
                // no LF at all is read as lines ending with CR: `LineBreaks`).
                #expect(IngestFormat.detect(line + [0x0A]) == IngestFormat.detectByColumns(line, 0 ..< line.count), "\(start + rest)")
            }
        }
        #expect(fast > 20)
    }

    @Test("the roll-up's O3 statistics from a flat day equal O3Day(positions:) on every pattern of missing hours tried")
    func ozoneDay() {
        var generator = SystemRandomNumberGenerator()
        for round in 0 ..< 5000 {
            // Missing hours from none to all; values 0…400, the cap now and then.
            let missingShare = Double(round % 25) / 24
            let day: [Int?] = (0 ..< 24).map { _ in
                Double.random(in: 0 ..< 1, using: &generator) < missingShare ? nil
                    : (Int.random(in: 0 ..< 50, using: &generator) == 0 ? 10_000 : Int.random(in: 0 ... 400, using: &generator))
            }
            let flat = day.map { $0 ?? -1 }
            let fast = flat.withUnsafeBufferPointer { O3Day(positions: $0) }
            #expect(fast == O3Day(positions: day), "\(day)")
        }
    }

    static let context = ParseContext(source: "day", zone: .beijing, latestHour: Hour.now, registry: SharedStore.registry,
                                      unknownStations: .quarantine)

    /// Both readings of `bytes` agree: every row on the fast path where it
    /// can be, and every row cell by cell.
    static func expectSameBothWays(_ bytes: [UInt8], minimumReadings: Int) {
        let fast = CNEMCWideParser().parse(bytes, context: context)
        let slow = CNEMCWideParser(fastRows: false).parse(bytes, context: context)
        #expect(fast.readings.count >= minimumReadings)
        #expect(fast.readings == slow.readings)
        #expect(fast.keys == slow.keys)
        #expect(fast.valuesRead == slow.valuesRead)
        #expect(fast.linesRead == slow.linesRead)
        #expect(fast.otherRowsSkipped == slow.otherRowsSkipped)
        #expect(fast.unknownSkipped == slow.unknownSkipped)
        #expect(fast.notes == slow.notes)
        #expect(fast.hoursPerDate == slow.hoursPerDate)
        // Quarantined with the same line, field, value and reason.
        #expect(fast.rejections == slow.rejections)
    }

    @Test("a real day file read row by row on the fast path equals it read cell by cell", arguments: [1, 20, 34, 51, 59])
    func wideRowsBothWays(day: Int) throws {
        let path = try #require(TestPaths.cnemcFiles.dropFirst(day - 1).first)
        let input = try IngestSource.file(path).load()
        Self.expectSameBothWays(input.bytes, minimumReadings: 10_000)
    }

    /// A national file with damage a fast row must not read past: those rows
    /// go cell by cell and their bad cells are quarantined, the rest of each
    /// row kept; a short row, a long row, a column of an unknown station.
    @Test("damaged cells and rows in a real file: the same readings and rejections as cell by cell")
    func damagedRowsBothWays() throws {
        let path = try #require(TestPaths.cnemcFiles.dropFirst(4).first)
        let input = try IngestSource.file(path).load()
        // Split on the byte: a Swift String reads CR LF as one character, which "\n" does not match
        // (the original files end their lines with CR LF, the bundled ones with LF).
        var lines = input.bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        let odd = [" 12", "+5", "-0", "-3", "1e3", "abc", "12345", "10001", "99999", "0.45", "1.250000001", ".", "..",
                   "0000000000012", "12\r", "\"5\"", "9999.5", "10000.5", "7.0000000000000000001", "\t7", "", "3."]
        for n in 1 ..< lines.count where !lines[n].isEmpty && n % 3 == 0 {
            var cells = lines[n].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard cells.count > 30 else { continue }
            cells[3 + n % 17] = odd[n % odd.count]
            if n % 37 == 0 { cells.removeLast() }
            if n % 41 == 0 { cells.append("1") }
            lines[n] = cells.joined(separator: ",")
        }
        Self.expectSameBothWays(Array(lines.joined(separator: "\n").utf8), minimumReadings: 10_000)
        // A station the registry lacks: its column's values are refused in every row.
        var header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        header[7] = "9999Z"
        lines[0] = header.joined(separator: ",")
        let unknown = Array(lines.joined(separator: "\n").utf8)
        Self.expectSameBothWays(unknown, minimumReadings: 10_000)
        // Counted from the text: every PM2.5 or PM10 row with a value in that column (the bundled
        // fixtures hold only those rows; the original files hold the other pollutants too).
        let pmRowsWithValue = lines.dropFirst().filter { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            return cells.count > 7 && (cells[2] == "PM2.5" || cells[2] == "PM10") && !cells[7].isEmpty
        }.count
        let refused = CNEMCWideParser().parse(unknown, context: Self.context).rejections.filter { $0.station == "9999Z" }
        #expect(pmRowsWithValue > 20 && refused.count >= pmRowsWithValue, "\(refused.count) refused of \(pmRowsWithValue)")
    }

    /// The check of PM2.5 above PM10 made as each hour's row is written gives
    /// what the pass over the store after the write gives: the same readings,
    /// in the same order, with the same values — in a batch of sources and in
    /// a single write that corrects earlier values.
    @Test("PM2.5 > PM10 found while writing equals the pass over the store after the write")
    func particulateExcessDuringWrite() throws {
        let zone = LocalZone.beijing
        let start = Day(CivilDate(year: 2019, month: 1, day: 1)!)
        func hour(_ d: Int, _ h: Int) -> Hour { zone.hour(day: start.advanced(by: d), hourOfDay: h) }
        let store = try Store(directory: TestPaths.temporaryDirectory("haze-excess"), access: .readWrite,
                              creating: StoreConfiguration(hourlyCapacity: 24 * 30, dailyCapacity: 64, dayConvention: .hours0to23))
        var keys: [SeriesKey] = []
        for station in ["A", "B", "C"] {
            for pollutant in [Pollutant.pm25, .pm10, .so2] { keys.append(SeriesKey(station: station, pollutant: pollutant)) }
        }
        let ids = try store.resolve(keys)
        var generator = SystemRandomNumberGenerator()
        func day(_ d: Int) -> [StoredReading] {
            var readings: [StoredReading] = []
            for h in 0 ..< 24 {
                for id in ids where Int.random(in: 0 ..< 5, using: &generator) > 0 {
                    readings.append(StoredReading(series: id, hour: hour(d, h), value: Int.random(in: 0 ... 120, using: &generator)))
                }
            }
            return readings
        }
        // A batch of three sources (days), then a single write correcting one of them.
        var batch: [StoredReading] = []
        var segments: [Range<Int>] = []
        for d in 0 ..< 3 {
            let readings = day(d)
            segments.append(batch.count ..< batch.count + readings.count)
            batch += readings
        }
        let reports = try #require(try store.write(batch, segments: segments))
        var found = 0
        for (n, segment) in segments.enumerated() {
            let during = try #require(reports[n].particulateExcess)
            #expect(during == store.particulateExcess(batch[segment]))
            found += during.count
        }
        let correction = day(1)
        let report = try store.write(correction)
        let during = try #require(report.particulateExcess)
        #expect(during == store.particulateExcess(correction[...]))
        #expect(found + during.count > 10, "the check found \(found + during.count) station-hours")
        // Out of hour order too, in the readings' order.
        let readings = day(2).shuffled()
        let shuffled = try store.write(readings)
        #expect(shuffled.particulateExcess == store.particulateExcess(readings[...]))
    }

    /// Sources handed to the store one array each (as the ingest's parse
    /// workers convert them) give the store, the counts and the PM2.5 > PM10
    /// findings of the same sources joined into one array with their ranges:
    /// in hour order, given out of hour order, and with a source whose
    /// readings are not in hour order (which the store joins itself).
    @Test("a batch given one array per source writes what the same batch joined into one array writes")
    func sourcesAsArrays() throws {
        let zone = LocalZone.beijing
        let start = Day(CivilDate(year: 2019, month: 1, day: 1)!)
        func hour(_ d: Int, _ h: Int) -> Hour { zone.hour(day: start.advanced(by: d), hourOfDay: h) }
        var keys: [SeriesKey] = []
        for station in ["A", "B", "C", "D"] {
            for pollutant in [Pollutant.pm25, .pm10, .o3] { keys.append(SeriesKey(station: station, pollutant: pollutant)) }
        }
        var generator = SystemRandomNumberGenerator()
        func day(_ d: Int, ids: [Int]) -> [StoredReading] {
            var readings: [StoredReading] = []
            for h in 0 ..< 24 {
                for id in ids where Int.random(in: 0 ..< 4, using: &generator) > 0 {
                    readings.append(StoredReading(series: id, hour: hour(d, h), value: Int.random(in: 0 ... 150, using: &generator)))
                }
            }
            return readings
        }
        let ids = Array(0 ..< keys.count)
        for (label, order) in [("in hour order", [0, 1, 2, 3]), ("out of hour order", [2, 0, 3, 1])] {
            for shuffledSource in [nil, 1] {
                var sources = order.map { day($0, ids: ids) }
                if let shuffledSource { sources[shuffledSource].shuffle() }
                let configuration = StoreConfiguration(hourlyCapacity: 24 * 30, dailyCapacity: 64, dayConvention: .hours0to23)
                let a = try Store(directory: TestPaths.temporaryDirectory("haze-arrays"), access: .readWrite, creating: configuration)
                let b = try Store(directory: TestPaths.temporaryDirectory("haze-joined"), access: .readWrite, creating: configuration)
                #expect(try a.resolve(keys) == ids)
                #expect(try b.resolve(keys) == ids)
                // A day written before, so that the batch corrects and leaves values unchanged too.
                let earlier = day(1, ids: ids)
                _ = try a.write(earlier)
                _ = try b.write(earlier)
                var joined: [StoredReading] = []
                var segments: [Range<Int>] = []
                for readings in sources {
                    segments.append(joined.count ..< joined.count + readings.count)
                    joined += readings
                }
                let byArrays = try #require(try a.write(sources: sources), "\(label)")
                let byJoined = try #require(try b.write(joined, segments: segments), "\(label)")
                #expect(byArrays.map(\.stored) == byJoined.map(\.stored), "\(label)")
                #expect(byArrays.map(\.unchanged) == byJoined.map(\.unchanged), "\(label)")
                #expect(byArrays.map(\.corrected) == byJoined.map(\.corrected), "\(label)")
                for n in sources.indices {
                    // Found during the write or not, what the pass after it finds.
                    #expect((byArrays[n].particulateExcess ?? a.particulateExcess(sources[n][...]))
                            == (byJoined[n].particulateExcess ?? b.particulateExcess(joined[segments[n]])), "\(label) \(n)")
                }
                for file in [Store.hourlyFileName, Store.dailyFileName] {
                    #expect(FileManager.default.contents(atPath: a.directory + "/" + file)
                            == FileManager.default.contents(atPath: b.directory + "/" + file), "\(label): \(file)")
                }
            }
        }
    }

    /// A store never written takes its first rows as they are only when they
    /// are all zero: junk in one (a damaged file) still stops the roll-up of
    /// that day, as it did when the roll-up checked every row.
    @Test("junk in a row of a store never written is still caught by the first write's roll-up")
    func junkBeforeFirstWrite() throws {
        let zone = LocalZone.beijing
        let first = zone.hour(day: Day(CivilDate(year: 2019, month: 1, day: 1)!), hourOfDay: 3)
        let store = try Store(directory: TestPaths.temporaryDirectory("haze-junk"), access: .readWrite,
                              creating: StoreConfiguration(hourlyCapacity: 24 * 30, dailyCapacity: 64, dayConvention: .hours0to23))
        let ids = try store.resolve([SeriesKey(station: "A", pollutant: .pm25), SeriesKey(station: "B", pollutant: .pm25)])
        #expect(store.newestHour == nil)
        store.hourly.setRaw(first, ids[1], 77)  // behind the checksum's back, before any write
        #expect(throws: StoreError.self) {
            _ = try store.write([StoredReading(series: ids[0], hour: first, value: 10)])
        }
    }
}
