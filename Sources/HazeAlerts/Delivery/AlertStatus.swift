import HazeModel

/// The alert side of `haze status`: open episodes by severity, what waits in
/// each receiver's outbox, each receiver's last delivery and failure. Reads
/// `state.json` and `delivery.json` only (never the log), so it costs the
/// same whatever the history.
package struct AlertStatus: Sendable {
    /// Open episodes by severity name (`unknown` for rules no longer in the rule files).
    package var openBySeverity: [String: Int] = [:]
    package var outbox: [String: Int] = [:]
    /// Reports of an interrupted run not yet in the log.
    package var pending = 0
    package var receivers: [String: DeliveryLedger.Receiver] = [:]
    /// Damaged alert files, with their cause (`haze check` says more).
    package var problems: [String] = []

    package init(storeDirectory: String, rules: RuleSet?) {
        do {
            let state = try AlertJournal(storeDirectory: storeDirectory).loadState()
            var severities: [String: AlertRule] = [:]
            for rule in rules?.rules ?? [] { severities[rule.id] = rule }
            for severity in Severity.allCases { openBySeverity[severity.rawValue] = 0 }
            for episode in state.open {
                let name = severities[episode.rule]?.severity(ofLevel: episode.level).rawValue ?? "unknown"
                openBySeverity[name, default: 0] += 1
            }
            for (id, lines) in state.outbox { outbox[id] = lines.count }
            pending = state.pending.count
        } catch {
            problems.append(error.description)
        }
        do {
            receivers = try DeliveryLedger.load(storeDirectory: storeDirectory).receivers
        } catch {
            problems.append(error.description)
        }
        for id in receivers.keys where outbox[id] == nil { outbox[id] = 0 }
    }
}
