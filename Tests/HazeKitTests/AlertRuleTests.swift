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

@Suite("Alerts: rule files", .onTestThreads)
struct AlertRuleFileTests {
    @Test("the shipped rule sets load: every kind is used")
    func shippedRules() throws {
        let rules = try RuleSet.load(directory: TestPaths.root + "/alerts")
        let kinds = Set(rules.rules.map(\.kind.name))
        #expect(kinds == ["threshold", "rolling", "episode", "ratio", "night-rise", "excess", "trend", "data", "feed", "coverage"])
        let national = try #require(rules.rules.first { $0.id == "feed-stopped-national" })
        #expect(national.scope == .national && national.kind == .feed(hours: 3) && national.levels.map(\.severity) == [.critical])
        #expect(Set(rules.rules.map(\.campaign)) == ["air-pollution", "three-scatters", "station-health"])
        let episode = try #require(rules.rules.first { $0.id == "heavy-pollution-episode" })
        #expect(episode.levels.map(\.name) == ["yellow", "orange", "red"] && episode.scope == .city)
    }

    func error(_ json: String) -> String {
        do {
            _ = try RuleSet.parse(data: Array(json.utf8), file: "alerts/x.json")
            return "loaded"
        } catch {
            return error.description
        }
    }

    let valid = """
    {"id":"r1","kind":"threshold","pollutant":"pm2.5","hours":3,"threshold":115,"severity":"warning",
     "message":{"zh":"{name} {value}","en":"{name} {value}"}}
    """

    func file(_ rule: String) -> String { "{\"campaign\":\"c\",\"rules\":[\(rule)]}" }

    @Test("a malformed rule file is refused naming the file, the rule id and the field")
    func errors() {
        #expect(error(file(valid)) == "loaded")
        #expect(error("{\"campaign\":\"c\",\"rules\":[") .hasPrefix("alerts/x.json: not valid JSON"))
        #expect(error(file(valid.replacingOccurrences(of: "\"hours\":3", with: "\"hours\":0")))
                == "alerts/x.json: rule 'r1': field 'hours': must be a whole number in 1…72 (not 0)")
        #expect(error(file(valid.replacingOccurrences(of: "\"threshold\":115", with: "\"treshold\":115")))
                == "alerts/x.json: rule 'r1': field 'treshold': unknown field; did you mean 'threshold'?")
        #expect(error(file(valid.replacingOccurrences(of: "pm2.5", with: "so2")))
                == "alerts/x.json: rule 'r1': field 'pollutant': 'so2' is not pm2.5 or pm10")
        #expect(error(file(valid.replacingOccurrences(of: "{name} {value}\",\"en\"", with: "{nmae}\",\"en\"")))
                .contains("rule 'r1': field 'message.zh': {nmae} is not provided by threshold rules"))
        #expect(error(file(valid.replacingOccurrences(of: "\"kind\":\"threshold\"", with: "\"kind\":\"thresh\"")))
                .contains("rule 'r1': field 'kind': 'thresh' is not one of"))
        #expect(error(file(valid.replacingOccurrences(of: "\"severity\":\"warning\"", with: "\"severity\":\"loud\"")))
                == "alerts/x.json: rule 'r1': field 'severity': must be info, warning or critical")
        #expect(error(file(valid.replacingOccurrences(of: ",\"en\":\"{name} {value}\"", with: "")))
                .contains("field 'message': give templates for both zh and en"))
        #expect(error(file(valid.replacingOccurrences(of: "\"hours\":3", with: "\"hours\":true")))
                .contains("field 'hours': must be a whole number in 1…72 (not true)"), "a boolean is not a number")
        #expect(error(file(valid + "," + valid)) == "loaded", "duplicates are checked across files by load()")
        #expect(error(file(valid.replacingOccurrences(of: "\"kind\":\"threshold\"", with: "\"kind\":\"ratio\",\"scope\":\"city\"")
                .replacingOccurrences(of: "\"pollutant\":\"pm2.5\",", with: "")))
                .contains("scope must be station"))
        #expect(error(file(valid.replacingOccurrences(of: "\"id\":\"r1\",", with: ""))).contains("field 'id': is required"))
    }

    @Test("templates fill in facts; an unknown fact stays visible")
    func templates() {
        #expect(Template.render("{name}: {value} µg/m³ {x}", ["name": "东四", "value": "120"]) == "东四: 120 µg/m³ {x}")
        #expect(Template.placeholders(in: "{a} and {b}") == ["a", "b"])
    }

    @Test func seasons() throws {
        let winter = try #require(SeasonWindow(parsing: "11-15/03-15"))
        #expect(winter.contains(CivilDate(year: 2019, month: 1, day: 10)!))
        #expect(winter.contains(CivilDate(year: 2019, month: 11, day: 15)!))
        #expect(!winter.contains(CivilDate(year: 2019, month: 3, day: 16)!))
        #expect(!winter.contains(CivilDate(year: 2019, month: 7, day: 1)!))
        #expect(SeasonWindow(parsing: "13-01/03-15") == nil)
    }
}
