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

/// Names from the registry and values from data are shown, never run: CSV
/// formulas neutralised, Markdown and HTML escaped, terminal control
/// characters made visible. (Issue 11, group 8.)
@Suite("Output: hostile names are shown, never run", .onTestThreads, .serialized)
struct OutputInjectionTests {
    static let hostile = ["=HYPERLINK(\"http://x\")", "@SUM(A1)", "<script>alert(1)</script>", "\u{1B}[31mred\u{1B}[0m",
                          "two\nlines", "+1+1", "-2+3", "a|b `c` [l](javascript:x)"]

    /// A store and a registry of one city whose districts and stations carry hostile names.
    static let fixture: (store: String, stations: String) = {
        let stations = TestPaths.temporaryDirectory("haze-inject-stations")
        var csv = "code,name,city,district,longitude,latitude,control\n"
        for (i, name) in hostile.enumerated() {
            csv += CSVWriter.line(["H\(i)", name, "测试市", name, "", "", "0"], mode: .reversible).replacingOccurrences(of: "'", with: "")
        }
        try? csv.write(toFile: stations + "/hostile.csv", atomically: true, encoding: .utf8)
        var long = "station,time,pollutant,value\n"
        for i in hostile.indices {
            // A whole valid month (a month with too few days is not ranked at all).
            for day in 1...31 {
                for hour in 0..<24 {
                    let time = "2019-01-" + (day < 10 ? "0" : "") + "\(day)T" + (hour < 10 ? "0" : "") + "\(hour):00+08:00"
                    long += "H\(i),\(time),PM2.5,\(30 + i)\n"
                }
            }
        }
        let input = TestPaths.temporaryDirectory("haze-inject-input") + "/h.csv"
        try? long.write(toFile: input, atomically: true, encoding: .utf8)
        let store = TestPaths.temporaryDirectory("haze-inject-store")
        _ = InProcess(["ingest", "--quiet", "--store", store, "--stations", stations, input])
        return (store, stations)
    }()

    static func rank(_ format: String, level: String = "district") -> InProcess {
        InProcess(["rank", "--store", fixture.store, "--stations", fixture.stations, "--month", "2019-01", "--city", "测试市",
                   "--pollutant", "pm2.5", "--level", level, "--format", format])
    }

    @Test("the registry really holds the hostile names")
    func registryHoldsThem() throws {
        let registry = try StationRegistry.load(directory: Self.fixture.stations)
        #expect(Set(registry.stations(inCity: "测试市").map(\.district)) == Set(Self.hostile))
    }

    @Test("rank CSV: formula-leading cells get a leading ', plain numbers stay numbers")
    func csv() throws {
        let run = Self.rank("csv")
        #expect(run.status == 0, "\(run.stderr)")
        var scanner = CSVScanner(bytes: Array(run.stdout.utf8))
        var fields: [CSVField] = []
        var units: [String] = []
        _ = scanner.nextRecord(into: &fields)
        while scanner.nextRecord(into: &fields) { units.append(scanner.string(fields[4])) }
        #expect(units.contains("'=HYPERLINK(\"http://x\")") && units.contains("'@SUM(A1)"), "\(units)")
        #expect(units.contains("'+1+1") && units.contains("'-2+3"))
        #expect(!units.contains { $0.hasPrefix("=") || $0.hasPrefix("@") || $0.hasPrefix("+") || $0.hasPrefix("-") })
        // The registry itself as CSV.
        let stations = InProcess(["stations", "--stations", Self.fixture.stations, "--city", "测试市", "--format", "csv"])
        #expect(stations.stdout.contains(",'@SUM(A1),") && !stations.stdout.contains(",@SUM"), "\(stations.stdout)")
        #expect(CSVWriter.line(["-3.2", "+5", "12", "-1+1", "\tx", "\rx", " =1"]) == "-3.2,+5,12,'-1+1,'\tx,\"'\rx\",' =1\n")
    }

    @Test("the quarantine neutralises too, and gives back every value exactly")
    func quarantineRoundTrip() throws {
        let store = TestPaths.temporaryDirectory("haze-inject-quarantine")
        let values = ["=1+1", "@SUM(A1)", "'=quoted", "'plain", "-", "+x"]
        var csv = "station,time,pollutant,value\n"
        for value in values { csv += "1001A,2019-01-05T10:00+08:00,PM2.5,\(value)\n" }
        let input = TestPaths.temporaryDirectory("haze-inject-quarantine-input") + "/q.csv"
        try csv.write(toFile: input, atomically: true, encoding: .utf8)
        let run = InProcess(["ingest", "--store", store, "--stations", TestPaths.stations, input])
        #expect(run.stdout.contains("quarantined \(values.count)"), "\(run.stdout) \(run.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: store + "/quarantine")
        let text = try String(contentsOfFile: store + "/quarantine/" + files[0], encoding: .utf8)
        var scanner = CSVScanner(bytes: Array(text.utf8))
        var fields: [CSVField] = []
        _ = scanner.nextRecord(into: &fields)
        var cells: [String] = []
        while scanner.nextRecord(into: &fields) { cells.append(scanner.string(fields[6])) }
        #expect(cells.allSatisfy { !$0.hasPrefix("=") && !$0.hasPrefix("@") && !$0.hasPrefix("+") }, "\(cells)")
        #expect(cells.map(CSVWriter.original) == values)
    }

    @Test("Markdown: |, <, >, backticks, links and line breaks in names are escaped")
    func markdown() throws {
        let run = Self.rank("md")
        #expect(run.status == 0, "\(run.stderr)")
        let out = run.stdout
        #expect(!out.contains("<script>") && out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!out.contains("`c`") && !out.contains("[l](javascript") && out.contains("a\\|b"))
        #expect(!out.contains("\u{1B}"))
        // Every table row is one line: the name with a line break stays in its row.
        let rows = out.split(separator: "\n").filter { $0.hasPrefix("| ") && $0.contains("two") }
        #expect(rows.count == 1 && rows[0].contains("two lines") && rows[0].hasSuffix(" |"))
    }

    @Test("the terminal table shows control characters escaped; aligned by what is shown")
    func table() throws {
        let run = Self.rank("table")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "no control character but line ends")
        #expect(run.stdout.contains("\\u{1B}[31mred\\u{1B}[0m") && run.stdout.contains("two\\u{A}lines"))
        let stations = InProcess(["stations", "--stations", Self.fixture.stations, "--city", "测试市"])
        #expect(!stations.stdout.unicodeScalars.contains { $0.value == 0x1B })
        #expect(TerminalText.sanitized("a\u{202E}b\u{9B}c") == "a\\u{202E}b\\u{9B}c")
    }

    @Test("HTML escapes every name")
    func html() throws {
        let run = Self.rank("html")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.contains("<script>") && run.stdout.contains("&lt;script&gt;"))
        #expect(run.stdout.contains("=HYPERLINK(&quot;http://x&quot;)"))
    }
}
