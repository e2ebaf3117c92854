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

@Suite("Station registry")
struct RegistryTests {
    @Test("the shipped registry: national list refined by Beijing's districts")
    func shippedRegistry() throws {
        let registry = try StationRegistry.load(directory: TestPaths.stations)
        // 1641 rows, one code listed twice (3207A, renamed on reopening): merged.
        #expect(registry.stations.count == 1640)
        let dingling = try #require(registry["1002A"])
        #expect(dingling.isControl && dingling.district == "昌平区" && dingling.city == "北京")
        #expect(try #require(registry["1011A"]).district == "朝阳区")
        #expect(try #require(registry["1001A"]).longitude == 116.366)
        #expect(registry.stations(inCity: "北京").count == 12)
        #expect(try registry.members(of: .city("北京")).count == 11, "control point 1002A never counts")
        #expect(try registry.members(of: .city("北京市")).count == 11)
        #expect(try registry.members(of: .district("朝阳区", city: "北京")).map(\.code) == ["1005A", "1011A"])
        #expect(registry.districts(inCity: "北京").count == 8)
        // The national list has no districts for other cities.
        #expect(try #require(registry["2067A"]).district.isEmpty)
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
