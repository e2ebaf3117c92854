import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeStore
@testable import HazeIngest
@testable import HazeNet
@testable import HazeSources
@testable import HazeAssessment
@testable import HazeAlerts
@testable import HazeReport
@testable import HazeCLI

@Suite("CSV scanner", .onTestThreads)
struct CSVTests {
    func records(_ text: String) -> [[String]] {
        var scanner = CSVScanner(bytes: Array(text.utf8))
        var fields: [CSVField] = []
        var out: [[String]] = []
        while scanner.nextRecord(into: &fields) { out.append(fields.map { scanner.string($0) }) }
        return out
    }

    @Test func plainCRLFAndMissingFinalNewline() {
        #expect(records("a,b\r\n1,2\r\n3,") == [["a", "b"], ["1", "2"], ["3", ""]])
        #expect(records("a,b\n1,2\n") == [["a", "b"], ["1", "2"]])
    }

    @Test("a trimmed field is the decoded text trimmed, for plain, quoted and invalid UTF-8 fields")
    func trimmedFields() {
        let text: [UInt8] = Array(" 北京 ,\t1001A\r\n\" a \"\"b\"\" \", ".utf8) + [0xE4, 0x20] + Array(",\n".utf8)
        var scanner = CSVScanner(bytes: text)
        var fields: [CSVField] = []
        var all: [CSVField] = []
        while scanner.nextRecord(into: &fields) { all += fields }
        let expected = all.map { scanner.string($0).trimmingASCIIWhitespace() }
        #expect(all.map { scanner.trimmedString($0) } == expected)
        #expect(expected == ["北京", "1001A", "a \"b\"", "\u{FFFD}", ""])
    }

    @Test func quotedFields() {
        #expect(records("\"x,y\",\"say \"\"hi\"\"\",z\n") == [["x,y", "say \"hi\"", "z"]])
        #expect(records("\"line\nbreak\",2\n") == [["line\nbreak", "2"]])
    }

    @Test func byteOrderMarkIsSkipped() {
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        bytes += Array("code,name\n".utf8)
        var scanner = CSVScanner(bytes: bytes)
        var fields: [CSVField] = []
        let ok1 = scanner.nextRecord(into: &fields); #expect(ok1)
        #expect(scanner.string(fields[0]) == "code")
    }

    @Test("prefix read, then skip or read the rest, keeps line numbers")
    func prefixAndRemainder() {
        var scanner = CSVScanner(bytes: Array("d,h,AQI,1,2\r\nd,h,PM10,3,4\r\nx\r\nd,h,PM2.5,5,6".utf8))
        var fields: [CSVField] = []
        let ok2 = scanner.nextRecordPrefix(fields: &fields, limit: 3); #expect(ok2)
        #expect(scanner.string(fields[2]) == "AQI" && scanner.lineNumber == 1)
        scanner.skipRestOfRecord()
        let ok3 = scanner.nextRecordPrefix(fields: &fields, limit: 3); #expect(ok3)
        #expect(scanner.field(fields[2], equals: "PM10") && scanner.lineNumber == 2)
        scanner.nextRecordRemainder(into: &fields)
        #expect(fields.map { scanner.string($0) } == ["d", "h", "PM10", "3", "4"])
        let ok4 = scanner.nextRecordPrefix(fields: &fields, limit: 3); #expect(ok4)
        #expect(fields.count == 1 && scanner.lineNumber == 3)
        scanner.skipRestOfRecord()
        let ok5 = scanner.nextRecordPrefix(fields: &fields, limit: 3); #expect(ok5)
        scanner.nextRecordRemainder(into: &fields)
        #expect(fields.map { scanner.string($0) } == ["d", "h", "PM2.5", "5", "6"])
        #expect(scanner.lastRecordHadNoTerminator && scanner.lineNumber == 4)
        let ok6 = !scanner.nextRecordPrefix(fields: &fields, limit: 3); #expect(ok6)
    }

    /// Each record read as a prefix of three fields and its rest, as the wide parser reads rows.
    func prefixedRecords(_ text: String) -> [[String]] {
        var scanner = CSVScanner(bytes: Array(text.utf8))
        var fields: [CSVField] = []
        var out: [[String]] = []
        while scanner.nextRecordPrefix(fields: &fields, limit: 3) {
            scanner.nextRecordRemainder(into: &fields)
            out.append(fields.map { scanner.string($0) })
        }
        return out
    }

    @Test("a line ending in a comma ends in an empty field, with LF, CR LF or at the end of the input; a line ending after its prefix has none")
    func trailingEmptyFieldAfterPrefix() {
        for end in ["\n", "\r\n"] {
            #expect(prefixedRecords("d,h,PM2.5,\(end)d,h,PM10,5\(end)") == [["d", "h", "PM2.5", ""], ["d", "h", "PM10", "5"]], "\(end.utf8.count)")
            #expect(prefixedRecords("d,h,PM2.5\(end)d,h,PM10,,\(end)") == [["d", "h", "PM2.5"], ["d", "h", "PM10", "", ""]], "\(end.utf8.count)")
            #expect(records("date,hour,type,\(end)") == [["date", "hour", "type", ""]], "\(end.utf8.count)")
        }
        #expect(prefixedRecords("d,h,PM2.5,") == [["d", "h", "PM2.5", ""]])
        #expect(prefixedRecords("d,h,PM2.5") == [["d", "h", "PM2.5"]], "the end of the input ends the record as a line break does")
        // The fast rest of a row: an empty one before the line break, either way.
        for text in ["d,h,PM2.5,\nx", "d,h,PM2.5,\r\nx"] {
            var scanner = CSVScanner(bytes: Array(text.utf8))
            var fields: [CSVField] = []
            _ = scanner.nextRecordPrefix(fields: &fields, limit: 3)
            var rest: Range<Int>?
            #expect(scanner.takeRemainder { _, start, end in rest = start ..< end; return true })
            #expect(rest?.isEmpty == true, "\(text.utf8.count)")
            #expect(scanner.nextRecordPrefix(fields: &fields, limit: 3) && scanner.string(fields[0]) == "x" && scanner.lineNumber == 2)
        }
    }

    @Test("concentrations parse from bytes, halves to even, range checked", arguments: [
        ("42", ConcentrationText.Parsed.value(42)), (" 7 ", .value(7)), ("12.5", .value(12)), ("13.5", .value(14)),
        ("12.51", .value(13)), ("0", .value(0)), ("10000", .value(10000)), ("", .missing), ("  ", .missing),
        ("-0", .value(0)),
    ])
    func concentrations(text: String, expected: ConcentrationText.Parsed) {
        let bytes = Array(text.utf8)
        let parsed = bytes.withUnsafeBufferPointer { ConcentrationText.parse($0, 0..<bytes.count) }
        #expect(parsed == expected)
    }

    @Test("bad concentrations say why", arguments: [
        ("abc", "not a number"), ("4x", "not a number"), ("1e3", "not a number"), ("-5", "negative"),
        ("99999", "above"), ("10001", "above"), (".", "not a number"),
    ])
    func badConcentrations(text: String, reason: String) {
        let bytes = Array(text.utf8)
        let parsed = bytes.withUnsafeBufferPointer { ConcentrationText.parse($0, 0..<bytes.count) }
        guard case .invalid(let message) = parsed else {
            Issue.record("\(text) parsed as \(parsed)")
            return
        }
        #expect(message.contains(reason))
    }

    @Test func writerQuotesOnlyWhenNeeded() {
        #expect(CSVWriter.line(["a", "b,c", "say \"x\"", "l\nm"]) == "a,\"b,c\",\"say \"\"x\"\"\",\"l\nm\"\n")
    }

    /// The leading-formula check reads the cell's bytes in place (no copy): the
    /// decisions, written out by hand from the rule (after spaces, `=`, `@`, a
    /// tab or a CR; `+`/`-` unless a plain number), are unchanged.
    @Test("formula cells: the rule, cell by cell", arguments: [
        ("", false), ("   ", false), ("abc", false), ("北京", false), ("12", false),
        ("=1+2", true), ("  =SUM(A1)", true), ("@SUM(A1)", true), (" @x", true), ("\t1", true), ("\r=1", true),
        ("+", true), ("-", true), ("-3", false), ("+12.5", false), ("  -3", false), ("-3.", true), ("-.5", true),
        ("-3.2.1", true), ("-3e5", true), ("--3", true), ("+1 ", true), ("-1,2", true), ("- 3", true),
        ("-3\u{0660}", true), ("-٣", true), ("=", true), ("'=1", false), (" \t", true), ("\u{00A0}=1", false),
    ])
    func formulaCells(cell: String, formula: Bool) {
        #expect(CSVWriter.startsFormula(cell) == formula, "\(cell.debugDescription)")
        #expect(CSVWriter.neutralised(cell) == (formula ? "'" + cell : cell))
    }
}
