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

@Suite("Station registry", .onTestThreads)
struct RegistryTests {
    @Test("the shipped registry: dated national lists refined by Beijing's and Zhoukou's files")
    func shippedRegistry() throws {
        let registry = try StationRegistry.load(directory: TestPaths.stations)
        #expect(registry.warnings.isEmpty, "\(registry.warnings)")
        // Changed with the dated lists (issue 13): the undated view is every code of the 2020, 2022-02-13
        // and 2026-10-09 lists (2291), no longer the 1640 of the 2020 list alone; the 2020 list still has
        // 1640 codes (3207A listed twice, merged).
        #expect(registry.lists.map { $0.effective.description } == ["2020-01-01", "2022-02-13", "2026-10-09"])
        #expect(registry.lists.first?.codes.count == 1640)
        #expect(registry.stations.count == 2291)
        let dingling = try #require(registry["1002A"])
        #expect(dingling.isControl && dingling.district == "昌平区" && dingling.city == "北京")
        #expect(try #require(registry["1011A"]).district == "朝阳区")
        // beijing.csv now carries the newer coordinates (the 2020 list's put 1001A, 1003A and 1012A in the
        // wrong district; stations/README.md); a table's coordinates refine a list's.
        #expect(try #require(registry["1001A"]).longitude == 116.3611)
        #expect(registry.lists.first?["1001A"]?.longitude == 116.366)
        // On a day of January 2019 (before the oldest list: the oldest applies) Beijing has its 12 stations.
        let day = Day(CivilDate(year: 2019, month: 1, day: 15)!)
        let beijing = registry.codes(everInCity: "北京").compactMap { registry.station($0, on: day) }
        #expect(beijing.map(\.code) == TestPaths.beijingStations.sorted())
        let formed = try registry.rankingUnits(level: .city, city: "北京市", days: day ..< day.advanced(by: 1))
        #expect(formed.units.first?.members(on: day).count == 11, "control point 1002A never counts")
        #expect(try registry.members(of: .district("朝阳区", city: "北京")).map(\.code) == ["1005A", "1011A"])
        // Every Beijing district has a station by 2026 (16), 8 of them in 2019.
        #expect(registry.districts(inCity: "北京").count == 16)
        let districts = try registry.rankingUnits(level: .district, city: "北京", days: day ..< day.advanced(by: 1))
        #expect(districts.units.count == 8 && districts.coverage.unitsWithoutStation.count == 8)
        // Zhoukou's file gives its stations a district (the national list has none).
        #expect(try #require(registry["2067A"]).district == "川汇区")
        #expect(registry.lists.first?["2067A"]?.district == "")
    }

    @Test("BOM, CRLF, Y/N control flags and a missing final newline are accepted")
    func bomAndCRLF() throws {
        let registry = try StationRegistry.load(directory: TestPaths.fixtures + "/registry/bom-crlf")
        #expect(registry.stations.map(\.code) == ["2067A", "2068A", "2069A", "2070A"])
        #expect(try #require(registry["2070A"]).isControl)
        #expect(try #require(registry["2069A"]).isControl == false)
        #expect(try #require(registry["2067A"]).name == "市环境监测站")
    }

    @Test("a GBK file is refused with a message that says GBK and how to convert")
    func gbkIsRefused() {
        let dir = TestPaths.fixtures + "/registry/gbk"
        #expect {
            try StationRegistry.load(directory: dir)
        } throws: { error in
            let message = "\(error)"
            return message.contains("GBK") && message.contains("iconv -f GB18030 -t UTF-8") && message.contains("zhoukou.csv:2")
        }
    }

    @Test("two files disagreeing on a station's district is an error naming both values")
    func conflicts() {
        #expect {
            try StationRegistry.load(directory: TestPaths.fixtures + "/registry/conflict")
        } throws: { error in
            "\(error)".contains("2067A") && "\(error)".contains("川汇区") && "\(error)".contains("淮阳区")
        }
    }

    @Test("files are read at once, but the error reported is the one reading them in order meets first")
    func errorOrderKept() throws {
        // The conflicting tables come before any list; a dated list that is not UTF-8 comes after them.
        let dir = TestPaths.temporaryDirectory("haze-registry-order")
        for name in try FileManager.default.contentsOfDirectory(atPath: TestPaths.fixtures + "/registry/conflict") {
            try FileManager.default.copyItem(atPath: TestPaths.fixtures + "/registry/conflict/" + name, toPath: dir + "/" + name)
        }
        try FileManager.default.createDirectory(atPath: dir + "/national", withIntermediateDirectories: true)
        try Data([0x63, 0x6F, 0x64, 0x65, 0x2C, 0x63, 0x69, 0x74, 0x79, 0x0A, 0x31, 0x41, 0x2C, 0xD6, 0xDC, 0xBF, 0xDA, 0x0A])
            .write(to: URL(fileURLWithPath: dir + "/national/2020-01-01.csv"))
        #expect { try StationRegistry.load(directory: dir) } throws: { error in
            "\(error)".contains("2067A") && !"\(error)".contains("GBK")
        }
        // Without the conflict, the list's own error.
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) where name.hasSuffix(".csv") {
            try FileManager.default.removeItem(atPath: dir + "/" + name)
        }
        #expect { try StationRegistry.load(directory: dir) } throws: { error in
            "\(error)".contains("GBK") && "\(error)".contains("2020-01-01.csv:2")
        }
    }

    @Test("a FIFO or a directory named .csv in the registry is refused with what it is, never waited on")
    func specialFilesRefused() throws {
        let dir = TestPaths.temporaryDirectory("haze-registry-fifo")
        try "code,name,city\n1A,a,甲城\n".write(toFile: dir + "/a.csv", atomically: true, encoding: .utf8)
        #expect(mkfifo(dir + "/b.csv", 0o644) == 0)
        #expect { try StationRegistry.load(directory: dir) } throws: { error in
            "\(error)".contains("b.csv") && "\(error)".contains("not a regular file")
        }
        try FileManager.default.removeItem(atPath: dir + "/b.csv")
        try FileManager.default.createDirectory(atPath: dir + "/c.csv", withIntermediateDirectories: false)
        #expect { try StationRegistry.load(directory: dir) } throws: { error in
            "\(error)".contains("c.csv") && "\(error)".contains("not a regular file")
        }
    }

    @Test("missing columns and bad values name file, line and field")
    func badRows() {
        #expect(throws: RegistryError.missingColumn(file: "x.csv", column: "city")) {
            var registry = StationRegistry()
            try registry.add(csv: Array("code,name\n1,a\n".utf8), file: "x.csv")
        }
        #expect(throws: RegistryError.badRow(file: "y.csv", line: 3, field: "latitude", reason: "'95' is out of range; a latitude is in -90…90")) {
            var registry = StationRegistry()
            try registry.add(csv: Array("code,city,latitude\n1A,c,30\n2A,c,95\n".utf8), file: "y.csv")
        }
        #expect(throws: RegistryError.badRow(file: "z.csv", line: 2, field: "control", reason: "'maybe' is not 1/0 or Y/N")) {
            var registry = StationRegistry()
            try registry.add(csv: Array("code,city,control\n1A,c,maybe\n".utf8), file: "z.csv")
        }
    }
}
