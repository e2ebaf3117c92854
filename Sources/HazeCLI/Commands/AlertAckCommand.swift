import Foundation
import HazeModel
import HazeStore
import HazeAlerts

/// `haze alert ack EPISODE --by NAME`: records who acknowledged an episode,
/// appended to `<store>/alerts/acks.ndjson` (for the monthly 督查 review).
enum AlertAckCommand {
    static let spec = CommandSpec(
        name: "alert ack",
        abstract: "Record who acknowledged an alert episode (appended, never rewritten).",
        positionals: "EPISODE",
        options: [
            CommonOptions.store,
            .value("--by", "NAME", "Who acknowledges (required)."),
            .value("--note", "TEXT", "What was done (one line)."),
            CommonOptions.wait,
        ],
        discussion: """
        EPISODE is the episode id of the reports, rule/subject/opening hour, as `haze alert log`
        and the NDJSON log show it, e.g. pm25-hourly-high/1001A/2019-02-28T23:00+08:00.
        It must have been reported. `haze alert log` shows who acknowledged each episode.
        """,
        examples: ["haze alert ack pm25-hourly-high/1001A/2019-02-28T23:00+08:00 --by 张三 --note 已通知西城区"])

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        guard arguments.positionals.count == 1, let episode = arguments.positionals.first else {
            throw UsageError.missing("haze alert ack needs one EPISODE (rule/subject/opening hour, as `haze alert log` shows it)")
        }
        guard let by = arguments.value("--by") else { throw UsageError.missing("haze alert ack needs --by NAME (who acknowledges is recorded)") }
        let directory = context.storeDirectory(arguments)
        let zone = try Store.readConsistently(directory: directory) { $0.zone }
        let journal = AlertJournal(storeDirectory: directory)
        let lock = try journal.lock(timeout: arguments.value("--wait").flatMap(Double.init))
        defer { withExtendedLifetime(lock) {} }
        do {
            let acknowledgement = try AcknowledgementBook(storeDirectory: directory)
                .acknowledge(episode: episode, by: by, note: arguments.value("--note") ?? "", now: Date().timeIntervalSince1970,
                             zone: zone, logPath: journal.logPath)
            context.console.print("acknowledged \(episode) by \(acknowledgement.by) at \(acknowledgement.time)")
        } catch let problem as AcknowledgementBook.Problem {
            throw UsageError.conflict("haze alert ack: \(problem)")
        }
        return .success
    }
}
