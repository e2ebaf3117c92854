import Foundation
import HazeStore
import HazeIngest

/// `haze check`: verify a store, and repair it where that is safe.
enum CheckCommand {
    static let spec = CommandSpec(
        name: "check",
        abstract: "Verify the store (headers, series table, every row's checksum, daily values against the hours); --repair restores what it can.",
        options: [
            CommonOptions.store, CommonOptions.stations, CommonOptions.wait,
            .flag("--repair", "Restore what can be restored (backups first); say exactly what could not be."),
            .value("--rules", "DIR", "Alert rule files, to re-evaluate a rebuilt alert state (default $HAZE_RULES or ./alerts)."),
        ],
        rules: [],
        discussion: """
        Verifies both copies of both rings' headers and every field in them, the series
        table, every hourly and daily row against its checksum, every value against the
        range a reading can have, and every daily value of the hourly window against its
        hours; then the alert files (the state's checksum and content, the log's lines).
        Exit status: 0 healthy, 65 damage found (or not all of it restored), 75 not
        verified because a writer was changing the store all along.

        A check never takes the writer's lock and never stops an ingest. What it reads
        while a writer changes rows is not evidence: it waits while a write is under way
        and checks again when one began or ended during the check, for up to 10 seconds
        (--wait SECONDS: longer, or 0); a write left open by a killed writer is not
        waited for. With --repair, --wait is also how long to wait for the writer's lock.

        --repair copies both rings to <store>/backup-<time>/ first, then: rewrites a
        damaged header copy from the intact one; fixes a single flipped bit (the row's
        checksum identifies it); recomputes damaged daily values from intact hours;
        restores damaged rows from <store>/raw/ (verified against the row's checksum
        where possible); rebuilds a ring that cannot be opened from raw/, keeping from the
        other ring what raw/ lacks. Values it cannot verify or restore are set aside in
        <store>/salvage/ (hours as a long CSV `haze ingest` reads back) and listed as NOT
        RESTORED; it never says OK when something was lost. A ring of an older format is
        upgraded in place; one from a newer haze is left alone. A damaged alert state is
        rebuilt from the log without reporting anything again (the damaged file is kept),
        and what could not be restored is listed.
        """,
        examples: ["haze check --store /var/lib/haze", "haze check --store /var/lib/haze --repair"])

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        let rings = try checkRings(arguments, context)
        let alerts = try CheckAlerts.run(arguments, context)
        return rings != .success ? rings : alerts
    }

    /// The rings: verify, and repair with `--repair`.
    static let checkRings: @Sendable (ParsedArguments, CommandContext) throws -> ExitCode = { arguments, context in
        let console = context.console
        let directory = context.storeDirectory(arguments)
        if !Store.exists(at: directory) && !FileManager.default.fileExists(atPath: directory + "/" + Store.dailyFileName) {
            throw StoreError.notFound(directory: directory)
        }
        let wait = try arguments.waitSeconds()
        guard let check = verified(directory, wait: wait, console) else { return .temporaryFailure }
        for note in check.findings where !note.isDamage { console.print("check: note: \(note)") }
        if check.isHealthy {
            console.print("check: OK — \(summary(check))")
            return .success
        }
        report(check.problems, console)
        if check.needsUpgrade && !arguments.has("--repair") {
            console.print("check: not verified: the rings are of an older format; `haze check --repair` (or any ingest) upgrades them in place, keeping the old files, and verifies them")
            return .dataError
        }
        guard arguments.has("--repair") else {
            console.print("check: \(check.problems.count) problem(s); run `haze check --repair` (it keeps a backup and lists anything it cannot restore)")
            return .dataError
        }
        if check.findings.contains(where: { if case .unopenable(_, let reason) = $0 { reason.contains("newer than this haze") } else { false } }) {
            console.print("check: not repairing a ring written by a newer haze; upgrade haze instead")
            return .dataError
        }
        let outcome = try StoreRepair(directory: directory, registry: try context.registry(arguments))
            .run(lockTimeout: try arguments.waitSeconds(), progress: { console.note($0) })
        if let backup = outcome.backup { console.print("repair: the rings as they were are in \(backup)") }
        for action in outcome.actions { console.print("repair: \(action)") }
        for loss in outcome.losses { console.print("repair: NOT RESTORED: \(loss)") }
        if !outcome.salvageFiles.isEmpty {
            console.print("repair: \(outcome.salvaged) value(s) set aside in \(outcome.salvageFiles.joined(separator: ", "))")
        }
        guard let after = verified(directory, wait: wait, console) else { return .temporaryFailure }
        if !after.isHealthy {
            report(after.problems, console, prefix: "check: still: ")
            return .dataError
        }
        if !outcome.isComplete {
            console.print("check: the store is consistent again, but \(outcome.losses.count) item(s) could not be restored (see NOT RESTORED above) — \(summary(after))")
            return .dataError
        }
        console.print("check: OK after repair — \(summary(after))")
        return .success
    }

    /// How long a check waits for a writer by default (`--wait` changes it).
    static let defaultWait = 10.0

    /// The store checked on a state no writer was changing, or nil (said) when
    /// a writer was changing it through every attempt.
    static func verified(_ directory: String, wait: Double?, _ console: Console) -> StoreCheck? {
        switch StoreCheck.whenNotWritten(directory: directory, waitSeconds: wait ?? defaultWait) {
        case .checked(let check):
            return check
        case .beingWritten(let pid, let waited):
            let seconds = waited < 10 ? String(format: "%.1f", waited) : String(Int(waited.rounded()))
            console.print("check: not verified: the store is being written (pid \(pid) holds the writer's lock) and a write was under way during every attempt for \(seconds) s; what a check reads while rows change is not evidence of damage, so nothing is reported — run again when the writer is done, or give --wait SECONDS")
            return nil
        }
    }

    static func summary(_ check: StoreCheck) -> String {
        "\(check.series) series; headers, series table and \(check.checkedHours) hourly and \(check.checkedDays) daily rows verified (\(check.hoursWithData) hours and \(check.daysWithData) days with data); daily values equal the hours across the hourly window"
    }

    static func report(_ problems: [StoreCheck.Finding], _ console: Console, prefix: String = "check: problem: ") {
        for problem in problems.prefix(20) { console.print(prefix + problem.description) }
        if problems.count > 20 {
            var hours = 0, days = 0, other = 0
            for problem in problems.dropFirst(20) {
                switch problem {
                case .hourlyRow: hours += 1
                case .dailyRow, .dailyDisagrees: days += 1
                default: other += 1
                }
            }
            console.print(prefix + "and \(problems.count - 20) more: \(hours) hourly row(s), \(days) daily row(s), \(other) other")
        }
    }
}
