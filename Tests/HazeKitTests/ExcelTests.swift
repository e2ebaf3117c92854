import Foundation
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

/// The OOXML writer, read back by an independent reader (Python's zipfile and
/// xml.etree always, openpyxl when installed).
@Suite("Excel: the workbook writer read back independently", .onTestThreads, .serialized)
struct ExcelTests {
    static let hostile = "=HYPERLINK(\"http://x\",\"点我\")"

    static var sample: Workbook {
        Workbook(sheets: [
            Worksheet(name: "PM2.5", header: ["排名", "区", "浓度", "同比(%)", "备注"], rows: [
                [.integer(1), .text("怀柔区"), .integer(33), .number(-3.2, decimals: 1), .empty],
                [.integer(2), .text("朝阳区"), .integer(52), .number(12.0, decimals: 1), .text("有效天数不足(24/27)，列于最后")],
                [.integer(2), .text(hostile), .integer(52), .empty, .text("  leading and trailing  ")],
                [.integer(4), .text("esc\u{1B}[31m red\r\nline _x0041_ & <b>"), .number(0.125, decimals: nil),
                 .number(.nan, decimals: 1), .text("tab\tend")],
            ]),
            // Invalid characters, a name too long for Excel, and a repeat.
            Worksheet(name: "PM10: 各区/各站 [2019年1月] 的浓度排名与同比变化情况", header: ["a"], rows: [[.integer(1)]]),
            Worksheet(name: "pm2.5", header: ["b"], rows: [[.text("second sheet named like the first")]]),
        ], title: "2019年1月 北京市各区 浓度排名",
           timestamp: ZipArchive.Timestamp(date: CivilDate(year: 2019, month: 2, day: 1)!, hour: 9, minute: 30, second: 4))
    }

    static func written(_ workbook: Workbook) async throws -> (path: String, reading: [String: Any]) {
        let path = TestPaths.temporaryDirectory("haze-xlsx") + "/book.xlsx"
        try Data(workbook.xlsx()).write(to: URL(fileURLWithPath: path))
        return await (path, try SpreadsheetReader.read(path))
    }

    @Test("cells, types, sheet names, frozen bold header and widths read back with the standard library")
    func readBackStandardLibrary() async throws {
        let (_, reading) = try await Self.written(Self.sample)
        let entries = reading["entries"] as? [String] ?? []
        #expect(entries.first == "[Content_Types].xml")
        #expect(Set(entries).isSuperset(of: ["xl/workbook.xml", "xl/styles.xml", "xl/sharedStrings.xml",
                                             "xl/worksheets/sheet1.xml", "xl/worksheets/sheet3.xml"]))
        let sheets = SpreadsheetReader.sheets(reading)
        #expect(sheets.map { $0["name"] as? String ?? "" } == ["PM2.5", "PM10_ 各区_各站 _2019年1月_ 的浓度排名与同比变", "pm2.5 (2)"])
        #expect(sheets[1]["name"].map { ($0 as? String ?? "").utf16.count } == 31)
        let rows = try #require(sheets.first?["rows"] as? [[[String: Any]]])
        #expect(rows.count == 5)
        // Header: text, bold.
        #expect(rows[0].map { $0["v"] as? String ?? "" } == ["排名", "区", "浓度", "同比(%)", "备注"])
        #expect(rows[0].allSatisfy { $0["bold"] as? Bool == true })
        #expect(rows[1].allSatisfy { $0["bold"] as? Bool != true })
        // Numbers are numbers with their decimals; text is text, whatever it starts with.
        #expect(rows[1][0]["t"] as? String == "n" && rows[1][0]["v"] as? Int == 1)
        #expect(rows[1][3]["t"] as? String == "n" && rows[1][3]["v"] as? Double == -3.2 && rows[1][3]["fmt"] as? String == "0.0")
        #expect(SpreadsheetReader.csvText(rows[2][3]) == "12.0")
        #expect(rows[1][4]["t"] as? String == "empty")
        #expect(rows[3][1]["t"] as? String == "s" && rows[3][1]["v"] as? String == Self.hostile)
        #expect(rows[3][1]["formula"] == nil)
        #expect(rows[3][4]["v"] as? String == "  leading and trailing  ")
        #expect(rows[4][1]["v"] as? String == "esc\u{1B}[31m red\r\nline _x0041_ & <b>", "controls, CR and a literal _x0041_ survive")
        #expect(rows[4][2]["v"] as? Double == 0.125)
        #expect(rows[4][3]["t"] as? String == "empty", "a NaN is left empty, never written")
        #expect(rows[4][4]["v"] as? String == "tab\tend")
        // Frozen first row.
        let frozen = try #require(sheets[0]["frozen"] as? [String: Any])
        #expect(frozen["state"] as? String == "frozen" && frozen["ySplit"] as? String == "1" && frozen["topLeftCell"] as? String == "A2")
        // Widths: the widest cell's display width (CJK counts two) + 2.
        let widths = (sheets[0]["widths"] as? [[Double]] ?? []).map { $0[2] }
        // By hand: 排名 4 → 6; column B's widest is row 4's "esc␛[31m red␍␊line _x0041_ & <b>", 32 → 34;
        // 浓度 4 → 6 but "0.125" 5 → 7; 同比(%) 7 → 9; 有效天数不足 6×2 + (24/27) 7 + ， 2 + 列于最后 4×2 = 29 → 31.
        #expect(widths == [6, 34, 7, 9, 31])
    }

    @Test("openpyxl reads the same workbook: values, frozen pane, bold header, number formats, title",
          .enabled("openpyxl is not installed: the workbook was read with the standard library only (see SpreadsheetReader)") {
              await SpreadsheetReader.pythonWithOpenpyxl.value != nil || SpreadsheetReader.openpyxlRequired
          })
    func readBackOpenpyxl() async throws {
        let (_, reading) = try await Self.written(Self.sample)
        let sheets = try #require(SpreadsheetReader.openpyxlSheets(reading),
                                  "\(reading["openpyxl_missing"] as? String ?? "openpyxl did not run")")
        #expect(sheets.map { $0["name"] as? String ?? "" } == SpreadsheetReader.sheets(reading).map { $0["name"] as? String ?? "" })
        #expect(sheets[0]["freeze_panes"] as? String == "A2")
        let rows = try #require(sheets[0]["rows"] as? [[[String: Any]]])
        #expect(rows[0].allSatisfy { $0["bold"] as? Bool == true })
        #expect(rows[1][3]["v"] as? Double == -3.2 && rows[1][3]["fmt"] as? String == "0.0")
        #expect(rows[1][2]["v"] as? Int == 33 && rows[1][2]["fmt"] as? String == "0")
        #expect(rows[3][1]["v"] as? String == Self.hostile)
        // openpyxl does not decode OOXML's _xHHHH_ escapes in shared strings (Excel and the
        // standard-library reader do); it only drops the escaped underscore's "x005F_".
        #expect(rows[4][1]["v"] as? String == "esc_x001B_[31m red_x000D_\nline _x0041_ & <b>")
        #expect(((reading["openpyxl"] as? [String: Any])?["title"] as? String) == "2019年1月 北京市各区 浓度排名")
    }

    @Test("a ZIP of stored and deflated entries reads back in Python's zipfile, CRC-32s checked")
    func zipArchive() async throws {
        var generator = SystemRandomNumberGenerator()
        let random = (0 ..< 1000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var archive = ZipArchive(timestamp: ZipArchive.Timestamp(date: CivilDate(year: 2026, month: 11, day: 30)!, hour: 23, minute: 59, second: 58))
        try archive.add("a.txt", Array("a".utf8))
        try archive.add("random.bin", random)
        try archive.add("目录/排名.csv", Array(String(repeating: "朝阳区,52\n", count: 500).utf8))
        try archive.add("empty", [])
        #expect(throws: ZipArchive.Failure.duplicateName("a.txt")) { try archive.add("a.txt", []) }
        let path = TestPaths.temporaryDirectory("haze-zip") + "/t.zip"
        try Data(archive.bytes()).write(to: URL(fileURLWithPath: path))
        let script = """
        import hashlib, json, sys, zipfile
        z = zipfile.ZipFile(sys.argv[1])
        assert z.testzip() is None
        print(json.dumps([[i.filename, i.compress_type, hashlib.sha256(z.read(i)).hexdigest(), list(i.date_time)] for i in z.infolist()]))
        """
        let run = try await Processes.run("/usr/bin/python3", ["-c", script, path])
        #expect(run.status == 0, "\(run.stderr)")
        let listing = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[Any]])
        #expect(listing.map { $0[0] as? String } == ["a.txt", "random.bin", "目录/排名.csv", "empty"])
        #expect(listing.map { $0[1] as? Int } == [0, 0, 8, 0], "stored unless deflate makes it smaller")
        func sha(_ bytes: [UInt8]) async throws -> String {
            let file = TestPaths.temporaryDirectory("haze-zip") + "/x"
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            return try await Processes.run("/usr/bin/python3", ["-c", "import hashlib,sys;print(hashlib.sha256(open(sys.argv[1],'rb').read()).hexdigest())", file]).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        await #expect(listing[1][2] as? String == (try sha(random)))
        await #expect(listing[2][2] as? String == (try sha(Array(String(repeating: "朝阳区,52\n", count: 500).utf8))))
        #expect((listing[0][3] as? [Int]) == [2026, 11, 30, 23, 59, 58])
    }

    @Test("the workbook's ZIP has correct CRC-32s in every local header, and the same workbook gives the same bytes")
    func zipContainer() throws {
        let bytes = try Self.sample.xlsx()
        #expect(try Self.sample.xlsx() == bytes)
        // Local headers: method 0 (stored) for tiny parts, 8 (deflate) for the larger ones.
        var methods: [String: UInt16] = [:]
        var offset = 0
        while offset + 30 <= bytes.count, bytes[offset ..< offset + 4] == [0x50, 0x4B, 0x03, 0x04] {
            func u16(_ at: Int) -> Int { Int(bytes[offset + at]) | Int(bytes[offset + at + 1]) << 8 }
            func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
            let nameLength = u16(26), extra = u16(28), compressed = u32(18), size = u32(22)
            let name = String(decoding: bytes[offset + 30 ..< offset + 30 + nameLength], as: UTF8.self)
            methods[name] = UInt16(u16(8))
            let start = offset + 30 + nameLength + extra
            let data = Array(bytes[start ..< start + compressed])
            let plain = u16(8) == 8 ? try RawDeflate.decompress(data) : data
            #expect(plain.count == size && CRC32.checksum(plain) == UInt32(u32(14)), "\(name)")
            offset = start + compressed
        }
        #expect(methods.count == 11)
        #expect(methods["xl/worksheets/sheet1.xml"] == 8)
    }

    @Test("raw deflate round-trips empty, short, repetitive and random data")
    func rawDeflate() throws {
        var generator = SystemRandomNumberGenerator()
        let random = (0 ..< 100_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for input in [[], Array("a".utf8), Array(String(repeating: "朝阳区,52\n", count: 20_000).utf8), random] {
            #expect(try RawDeflate.decompress(RawDeflate.compress(input)) == input)
        }
        #expect(throws: Gzip.Failure.tooLarge(limit: 10)) { try RawDeflate.decompress(RawDeflate.compress(Array(repeating: 0, count: 100)), limit: 10) }
        #expect(throws: Gzip.Failure.truncated) { try RawDeflate.decompress(Array(RawDeflate.compress(random).prefix(1000))) }
    }

    @Test("cells Excel cannot hold are refused with the sheet and cell, never cut")
    func limits() {
        let long = Workbook(sheets: [Worksheet(name: "x", header: ["h"], rows: [[.text(String(repeating: "长", count: 32_768))]])])
        #expect(throws: Workbook.Failure.cellTooLong(sheet: "x", row: 2, column: 0, length: 32_768)) { try long.xlsx() }
        #expect(throws: Workbook.Failure.noSheets) { try Workbook(sheets: []).xlsx() }
        #expect(SpreadsheetCell.inferred("52") == .integer(52))
        #expect(SpreadsheetCell.inferred("-3.2") == .number(-3.2, decimals: 1))
        #expect(SpreadsheetCell.inferred("0.50") == .number(0.5, decimals: 2))
        for text in ["1001A", "007", "2019-01", "1 2", "+5", ".5", "5.", "1e5", "12345678901234567", "—", "nan"] {
            #expect(SpreadsheetCell.inferred(text) == .text(text), "\(text)")
        }
        #expect(SpreadsheetCell.inferred("") == .empty)
    }
}
