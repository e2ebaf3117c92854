import Foundation
import HazeStore
import HazeIngest

/// `haze check`: verify a store, and repair it where that is safe.
enum CheckCommand {
    static let spec = CommandSpec(
        name: "check",
        abstract: "Verify the rings (headers, series table, daily ring against the hours); --repair fixes what it can.",
        options: [
            CommonOptions.store, CommonOptions.stations, CommonOptions.wait,
            .flag("--repair", "Recompute the daily ring from the hours, or rebuild both rings from raw/; backups first."),
            .value("--rules", "DIR", "Alert rule files, to re-evaluate a rebuilt alert state (default $HAZE_RULES or ./alerts)."),
        ],
        discussion: """
        A ring that cannot be opened (truncated, wrong magic, a newer format, a header
        that does not match its size) is reported with what is wrong. With --repair, a
        daily ring that disagrees with the hours is recomputed (the old one kept in
        <store>/backup-<time>/); damaged rings are rebuilt from <store>/raw/ when it holds
        payloads (see `haze rebuild`; the damaged files are moved to the backup, never
        overwritten). A ring from a newer haze is left alone: upgrade instead.
        The alert files are checked too (state checksum and content, the log's lines);
        --repair rebuilds a damaged alert state from the log without reporting anything
        again, keeps the damaged file, and lists what it could not restore.
        Exit status: 0 healthy (or repaired), 65 problems remain.
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
        let repair = arguments.has("--repair")
        let opened: Store
        do {
            opened = try Store(directory: directory, access: .readOnly)
        } catch let error as StoreError {
            if case .notFound = error { throw error }
            console.print("check: \(error)")
            guard repair else { return .dataError }
            if case .newerVersion = error {
                // Written by a newer haze: rebuilding with this one could drop what it stored.
                console.print("check: not repairing a ring written by a newer haze; upgrade haze instead")
                return .dataError
            }
            guard !RawArchive.files(in: directory + "/raw").isEmpty else {
                console.print("check: cannot repair: \(directory)/raw holds no payloads to rebuild from; restore the rings from a backup")
                return .dataError
            }
            let registry = try context.registry(arguments)
            let line = try StoreRebuild(directory: directory, registry: registry,
                                        configuration: StoreRebuild.configuration(of: directory))
                .run(lockTimeout: arguments.value("--wait").flatMap(Double.init), progress: { console.note($0) })
            console.print(line)
            return try verifyAfterRepair(directory, console)
        }
        let check = StoreCheck(store: opened)
        for note in check.notes { console.note("note: \(note)") }
        guard !check.isHealthy else {
            console.print("check: OK — \(check.checkedSeries) series; headers and series table consistent; daily ring equals the hours on all \(check.checkedDays) day(s) of the hourly window, \(check.daysWithData) with data")
            return .success
        }
        for problem in check.problems { console.print("check: problem: \(problem)") }
        guard repair else {
            console.print("check: \(check.problems.count) problem(s); run `haze check --repair`")
            return .dataError
        }
        let backup = directory + "/backup-\(Int(Date().timeIntervalSince1970))"
        if check.problems.allSatisfy(\.dailyOnly) {
            let writer = try context.openStore(arguments, access: .readWrite)
            try writer.recomputeDailyRing(backupTo: backup)
            console.print("check: recomputed the daily ring from the hours; the previous one is in \(backup)")
        } else {
            let registry = try context.registry(arguments)
            let line = try StoreRebuild(directory: directory, registry: registry,
                                        configuration: StoreConfiguration(hourlyCapacity: opened.hourlyCapacity,
                                                                          dailyCapacity: opened.dailyCapacity, zone: opened.zone))
                .run(lockTimeout: arguments.value("--wait").flatMap(Double.init), progress: { console.note($0) })
            console.print(line)
        }
        return try verifyAfterRepair(directory, console)
    }

    static func verifyAfterRepair(_ directory: String, _ console: Console) throws -> ExitCode {
        let check = StoreCheck(store: try Store(directory: directory, access: .readOnly))
        if check.isHealthy {
            console.print("check: OK after repair — \(check.checkedSeries) series, \(check.checkedDays) day(s) verified")
            return .success
        }
        for problem in check.problems { console.print("check: still: \(problem)") }
        return .dataError
    }
}
