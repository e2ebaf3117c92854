import Foundation
import HazeModel
import HazeRegistry
import HazeStore
import HazeAlerts

/// `haze-bench alert`: one cron evaluation of every rule over a national store.
enum AlertBench {
    static func run(_ options: Options) throws {
        let store = try BenchStore.prepare(options)
        let rulesDirectory = options.rules
        var timing = Timing()
        var reports = 0
        var newest = Hour(0)
        for _ in 0..<options.repeatCount {
            try timing.measure {
                let opened = try Store(directory: store, access: .readOnly)
                let registry = try StationRegistry.load(directory: options.stations)
                let rules = try RuleSet.load(directory: rulesDirectory)
                newest = opened.newestHour ?? Hour(0)
                var state = AlertState()
                reports = Alerter(store: opened, registry: registry, rules: rules).evaluate(hours: [newest], state: &state).count
            }
        }
        let rules = try RuleSet.load(directory: rulesDirectory)
        print("alert: \(rules.rules.count) rules over \(store) at \(LocalZone.beijing.format(newest)): \(reports) reports")
        print(timing.line("in process (open store, load registry and rules, evaluate every rule)"))
        let process = try ProcessTiming.measure(
            ["alert", "--store", store, "--stations", options.stations, "--rules", rulesDirectory,
             "--at", LocalZone.beijing.format(newest), "--dry-run", "--format", "ndjson"], repeat: options.repeatCount)
        print(process.line("haze alert process (--dry-run), start to exit"))
        print(String(format: "peak RSS: %.1f MiB", peakRSSMiB()))
        Metrics.shared.record("alert_in_process_seconds_min", timing.min)
        Metrics.shared.record("alert_process_seconds_min", process.min)
        Metrics.shared.record("alert_process_seconds_median", process.median)
        Metrics.shared.record("alert_reports", reports)
    }
}
