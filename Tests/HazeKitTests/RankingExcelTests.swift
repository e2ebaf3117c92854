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

/// `haze rank --format xlsx` against `--format csv` of the same ranking, cell
/// by cell, read by the independent reader; `--format csv --bom`.
@Suite("Excel: rank --format xlsx equals the CSV, --bom", .onTestThreads, .serialized)
struct RankingExcelTests {
    static func rank(_ arguments: [String]) -> InProcess {
        InProcess(["rank", "--store", SharedStore.national.directory, "--stations", TestPaths.stations] + arguments)
    }

    static func csvRecords(_ text: String) -> [[String]] {
        var scanner = CSVScanner(bytes: Array(text.utf8))
        var fields: [CSVField] = []
        var records: [[String]] = []
        while scanner.nextRecord(into: &fields) { records.append(fields.map { scanner.string($0) }) }
        return records
    }

    /// Writes the xlsx and the CSV of one ranking and compares every cell of
    /// every pollutant sheet; returns the reading and the number of cells compared.
    static func compare(_ arguments: [String], language: Language = .zh) async throws -> (reading: [String: Any], cells: Int) {
        let path = TestPaths.temporaryDirectory("haze-rank-xlsx") + "/rank.xlsx"
        let written = rank(arguments + ["--format", "xlsx", "--out", path] + (language == .en ? ["--lang", "en"] : []))
        #expect(written.status == 0, "\(written.stderr)")
        // The CSV has no composite columns: its pollutant rows are the same without --composite.
        var csvArguments = arguments
        if let i = csvArguments.firstIndex(of: "--composite") { csvArguments.removeSubrange(i ... i + 1) }
        let csv = rank(csvArguments + ["--format", "csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let records = csvRecords(csv.stdout)
        let header = try #require(records.first)
        let pollutantColumn = try #require(header.firstIndex(of: "pollutant"))
        let reading = try await SpreadsheetReader.read(path)
        let sheets = SpreadsheetReader.sheets(reading)
        var cells = 0
        var rowIndex = 1
        let pollutants = records.dropFirst().map { $0[pollutantColumn] }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        #expect(sheets.prefix(pollutants.count).map { $0["name"] as? String ?? "" } == pollutants)
        for (sheet, pollutant) in zip(sheets, pollutants) {
            let rows = try #require(sheet["rows"] as? [[[String: Any]]])
            #expect(rows[0].map { $0["v"] as? String ?? "" } == header.map { RankingWorkbook.title($0, language) })
            #expect(rows[0].allSatisfy { $0["bold"] as? Bool == true })
            #expect((sheet["frozen"] as? [String: Any])?["topLeftCell"] as? String == "A2")
            for row in rows.dropFirst() {
                let expected = records[rowIndex]
                rowIndex += 1
                #expect(expected[pollutantColumn] == pollutant)
                for (column, text) in expected.enumerated() {
                    let cell = column < row.count ? row[column] : ["t": "empty"]
                    #expect(SpreadsheetReader.csvText(cell) == text, "\(pollutant) row \(rowIndex) \(header[column])")
                    // Numbers are numbers: every plain number of the CSV, outside the name columns.
                    if !RankingWorkbook.textColumns.contains(header[column]), SpreadsheetCell.decimals(ofPlainNumber: text) != nil {
                        #expect(cell["t"] as? String == "n", "\(header[column]) '\(text)' is a number")
                    }
                    cells += 1
                }
            }
        }
        #expect(rowIndex == records.count, "every CSV row is in a sheet")
        return (reading, cells)
    }

    @Test("Beijing's districts, January 2019: every cell of both pollutant sheets equals the CSV; notes sheet")
    func beijing() async throws {
        let (reading, cells) = try await Self.compare(["--month", "2019-01", "--city", "北京"])
        #expect(cells == 16 * 17)
        let sheets = SpreadsheetReader.sheets(reading)
        #expect(sheets.map { $0["name"] as? String ?? "" } == ["PM2.5", "PM10", "说明"])
        let notes = (sheets[2]["rows"] as? [[[String: Any]]] ?? []).map { $0.first?["v"] as? String ?? "" }
        #expect(notes.contains("2019年1月 北京市各区 PM2.5、PM10 浓度排名"))
        #expect(notes.contains { $0.hasPrefix("浓度单位 µg/m³") })
    }

    @Test("every city of the national list, January 2019 (730 rows), in English")
    func cities() async throws {
        let (_, cells) = try await Self.compare(["--month", "2019-01", "--level", "city"], language: .en)
        #expect(cells > 700 * 17)
    }

    @Test("a run of months: the period ranking's sheets equal its CSV")
    func period() async throws {
        let (reading, cells) = try await Self.compare(["--from", "2019-01", "--to", "2019-02", "--city", "北京"])
        // PM10 is not ranked: no district has a valid February (hours 1–24), so one sheet of 8 districts.
        #expect(cells == 8 * 14)
        #expect(SpreadsheetReader.sheets(reading).last?["name"] as? String == "说明")
    }

    @Test("the composite score gets its own sheet with the table's ranks and scores")
    func composite() async throws {
        let (reading, _) = try await Self.compare(["--month", "2019-01", "--city", "北京", "--composite", "pm2.5=0.6,pm10=0.4"])
        let json = Self.rank(["--month", "2019-01", "--city", "北京", "--composite", "pm2.5=0.6,pm10=0.4", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let entries = try #require((object["composite"] as? [String: Any])?["entries"] as? [[String: Any]])
        let sheet = try #require(SpreadsheetReader.sheets(reading).first { $0["name"] as? String == "综合得分" })
        let rows = try #require(sheet["rows"] as? [[[String: Any]]])
        #expect(rows.count == entries.count + 1)
        for (row, entry) in zip(rows.dropFirst(), entries) {
            #expect(row[0]["v"] as? Int == entry["rank"] as? Int)
            #expect(row[1]["v"] as? String == entry["unit"] as? String)
            #expect(SpreadsheetReader.csvText(row[2]) == ((entry["score"] as? Double).map { String(format: "%.2f", $0) } ?? "—"))
        }
    }

    @Test("openpyxl reads the ranking workbook with the same values",
          .enabled("openpyxl is not installed: the workbook was read with the standard library only (see SpreadsheetReader)") {
              await SpreadsheetReader.pythonWithOpenpyxl.value != nil || SpreadsheetReader.openpyxlRequired
          })
    func openpyxl() async throws {
        let (reading, _) = try await Self.compare(["--month", "2019-01", "--city", "北京"])
        let opened = try #require(SpreadsheetReader.openpyxlSheets(reading), "\(reading["openpyxl_missing"] as? String ?? "")")
        let standard = SpreadsheetReader.sheets(reading)
        #expect(opened.count == standard.count)
        for (a, b) in zip(opened, standard) {
            #expect(a["freeze_panes"] as? String == "A2")
            let rowsA = a["rows"] as? [[[String: Any]]] ?? [], rowsB = b["rows"] as? [[[String: Any]]] ?? []
            #expect(rowsA.count == rowsB.count)
            for (ra, rb) in zip(rowsA, rowsB) {
                for (ca, cb) in zip(ra, rb) {
                    #expect("\(ca["v"] ?? "nil")".replacingOccurrences(of: "<null>", with: "nil")
                            == "\(cb["v"] ?? "nil")".replacingOccurrences(of: "<null>", with: "nil"))
                }
            }
        }
    }

    @Test("--bom puts a UTF-8 byte-order mark before the same CSV; it is refused with other formats, xlsx needs --out")
    func byteOrderMark() async throws {
        let dir = TestPaths.temporaryDirectory("haze-bom")
        let plain = Self.rank(["--month", "2019-01", "--city", "北京", "--format", "csv", "--out", dir + "/a.csv"])
        let marked = Self.rank(["--month", "2019-01", "--city", "北京", "--format", "csv", "--bom", "--out", dir + "/b.csv"])
        #expect(plain.status == 0 && marked.status == 0)
        let a = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/a.csv")))
        let b = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/b.csv")))
        #expect(Array(b.prefix(3)) == [0xEF, 0xBB, 0xBF] && Array(b.dropFirst(3)) == a)
        #expect(a.first == UInt8(ascii: "m"))
        // Python's utf-8-sig (what Excel does with the mark) reads it back to the same text.
        let decoded = try await Processes.run("/usr/bin/python3", ["-c", "import sys;sys.stdout.write(open(sys.argv[1],encoding='utf-8-sig').read())", dir + "/b.csv"])
        #expect(decoded.stdout == String(decoding: a, as: UTF8.self))
        let refused = Self.rank(["--month", "2019-01", "--city", "北京", "--format", "json", "--bom"])
        #expect(refused.status == 64 && refused.stderr.contains("--bom needs --format csv"))
        let noOut = Self.rank(["--month", "2019-01", "--city", "北京", "--format", "xlsx"])
        #expect(noOut.status == 64 && noOut.stderr.contains("--format xlsx needs --out"))
    }
}
