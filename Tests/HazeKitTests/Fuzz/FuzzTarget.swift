// Compiled twice: into the test target (the regression replay) and, with
// -D HAZE_FUZZ_BINARY, into the libFuzzer binary built by Tests/Fuzz/run.sh
// together with HazeKit's sources as one module.
#if !HAZE_FUZZ_BINARY
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
#endif

/// One fuzzed entry point and the properties its output must have. A parser
/// may reject anything, but must never crash, hang or accept a value out of range.
enum FuzzTarget: String, CaseIterable, Sendable {
    /// The CNEMC wide CSV parser.
    case wide
    /// The long CSV parser (quoted fields, ISO times).
    case long
    /// OpenAQ v3 JSON pages, and so the JSON decoder.
    case openaq
    /// The alert rule loader.
    case rules

    /// Runs the input through the entry point; returns the properties it broke.
    func violations(_ bytes: [UInt8]) -> [String] {
        switch self {
        case .wide:
            return Self.check(CNEMCWideParser().parse(bytes, context: Self.context(.quarantine)))
        case .long:
            return Self.check(LongCSVParser().parse(bytes, context: Self.context(.store)))
        case .openaq:
            return Self.check(OpenAQParser(station: "OAQ-1").parse(bytes, context: Self.context(.quarantine)).batch)
        case .rules:
            guard let set = try? RuleSet.parse(data: bytes, file: "fuzz.json") else { return [] }
            return set.rules.compactMap { rule in
                rule.levels.isEmpty || rule.cooldownHours < 1 ? "rule \(rule.id) accepted without levels or cooldown" : nil
            }
        }
    }

    private static func check(_ batch: ParsedBatch) -> [String] {
        var out: [String] = []
        for reading in batch.readings {
            if Int(reading.value) > HourlyRing.maximumValue { out.append("value \(reading.value) above the ring's range") }
            if Int(reading.key) >= batch.keys.count { out.append("reading names series key \(reading.key) of \(batch.keys.count)") }
        }
        return out
    }

    private static let registry = StationRegistry(stations: ["1001A", "1002A", "1003A", "2067A", "OAQ-1"].map {
        Station(code: $0, name: "s", city: "c", district: "d")
    })

    private static func context(_ policy: UnknownStationPolicy) -> ParseContext {
        ParseContext(source: "fuzz", zone: .beijing, latestHour: Hour(600_000), registry: registry, unknownStations: policy)
    }
}
