import HazeStore
import HazeAlerts

/// The alert part of `haze check`: verify `<store>/alerts/`, and with
/// `--repair` rebuild what is damaged (see `AlertStateCheck`).
enum CheckAlerts {
    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> ExitCode {
        let console = context.console
        let directory = context.storeDirectory(arguments)
        let check = AlertStateCheck(storeDirectory: directory)
        let store = try? Store(directory: directory, access: .readOnly)
        let report = check.verify(store: store)
        for note in report.notes { console.note("note: \(note)") }
        if report.isHealthy {
            if report.formatVersion != nil || report.logLines > 0 {
                console.print("check: alert state OK — \(report.openEpisodes) open episode(s), \(report.logLines) report(s) in the log")
            }
            return .success
        }
        for problem in report.problems { console.print("check: problem: \(problem.path): \(problem.reason)") }
        guard arguments.has("--repair") else {
            console.print("check: \(report.problems.count) problem(s) in the alert files; run `haze check --repair` (it rebuilds the alert state from the log and sends nothing)")
            return .dataError
        }
        let registry = try? context.registry(arguments)
        let rules = (try? AlertCommand.rulesDirectory(arguments, context)).flatMap { try? RuleSet.load(directory: $0) }
        let repaired = try check.repair(store: store, registry: registry, rules: rules,
                                        lockTimeout: arguments.value("--wait").flatMap(Double.init))
        for action in repaired.actions { console.print("check: repaired: \(action)") }
        for item in repaired.lost { console.print("check: not restored: \(item)") }
        guard repaired.after.isHealthy else {
            for problem in repaired.after.problems { console.print("check: still: \(problem)") }
            return .dataError
        }
        console.print(repaired.lost.isEmpty ? "check: alert state OK after repair"
                                            : "check: alert state usable again; \(repaired.lost.count) item(s) above could not be restored")
        return .success
    }
}
