import Foundation
import HazeModel
import HazeRegistry
import HazeStore

/// The cron-safe alert run (`haze alert`) as a library call: evaluate the
/// hours each subject has not seen, then commit exactly once.
///
/// The commit, in order: (1) the new state — cursors, open episodes, the
/// run's reports as pending, each receiver's outbox — replaces the state file
/// atomically; (2) the pending reports are appended to the log, which is first
/// cut back to its length at (1), so a repeat never duplicates; (3) each
/// receiver gets its outbox; (4) the state is saved with pending and the
/// delivered outboxes cleared. A run killed anywhere is finished by the next:
/// killed before (1), it left nothing and the next run evaluates the same
/// hours; killed after (1), the next run appends the pending reports (exactly
/// once) and delivers the outboxes. A receiver may see a report twice only if
/// the kill falls between its accepting the POST and (4); the
/// `Idempotency-Key` lets it drop the repeat.
public struct AlertRun {
    /// What one run does: which subjects and hours, where reports go, how long to wait.
    public struct Options: Sendable {
        /// Which subjects to evaluate (`--city`); a filtered run touches only theirs.
        public var filter: SubjectFilter
        /// Evaluate as of this hour (`--at`): data up to it, and the clock at
        /// it. Outside a dry run it must not be after the store's newest hour
        /// nor before the hour a covered subject was already evaluated to.
        public var at: Hour?
        /// "Now" instead of the system clock (`--now`); never after it outside a dry run.
        public var now: Hour?
        /// Evaluate and report; write nothing (no state, log or delivery).
        public var dryRun: Bool
        /// The receivers to deliver to (webhooks, chat robots, Alertmanager); none: the log only.
        public var receivers: [any AlertReceiver]
        /// Who gets which report: routes, silences, quiet hours (every receiver everything by default).
        public var routing: AlertRouting
        /// Seconds this run may wait (on its clock) for receivers' quotas and retries before keeping the rest for later.
        public var deliveryWait: Double
        /// Deliver what waits in the outboxes, evaluate nothing (`haze alert --deliver-only`).
        public var deliverOnly: Bool
        /// Hours a subject is caught up at most (the newest ones), per run.
        var catchUpHours: Int
        /// Wait this long for another alert run to finish (nil: fail at once).
        public var lockTimeout: Double?

        /// Options of a run; the defaults evaluate every subject up to the store's newest hour, write state and log, and deliver to nobody.
        public init(filter: SubjectFilter = .everything, at: Hour? = nil, now: Hour? = nil, dryRun: Bool = false,
                    receivers: [any AlertReceiver] = [], routing: AlertRouting = .everything, deliveryWait: Double = 0,
                    deliverOnly: Bool = false, catchUpHours: Int = 168, lockTimeout: Double? = nil) {
            self.filter = filter
            self.at = at
            self.now = now
            self.dryRun = dryRun
            self.receivers = receivers
            self.routing = routing
            self.deliveryWait = deliveryWait
            self.deliverOnly = deliverOnly
            self.catchUpHours = catchUpHours
            self.lockTimeout = lockTimeout
        }
    }

    /// The points between the steps of the commit (for tests that stop a run there).
    package enum Step: Sendable { case stateSaved, logAppended, messageAccepted, delivered }

    /// The store whose data is evaluated and whose `alerts/` holds state, log and outbox.
    public let storeDirectory: String
    /// The registry that forms the rules' subjects.
    public let registry: StationRegistry
    /// The rules evaluated.
    public let rules: RuleSet
    /// What "now" is, and how deliveries wait.
    public let clock: AlertClock
    /// Called at each step of the commit; a test throws to stop the run there, as a kill would.
    package var interruption: (Step) throws -> Void = { _ in }

    /// A run of `rules` over the store in `storeDirectory`; call `perform` to evaluate and commit.
    public init(storeDirectory: String, registry: StationRegistry, rules: RuleSet, clock: AlertClock = .system) {
        self.storeDirectory = storeDirectory
        self.registry = registry
        self.rules = rules
        self.clock = clock
    }

    /// Runs once. `log` receives progress of deliveries (retries, failures).
    public func perform(_ options: Options, log: (String) -> Void = { _ in }) throws(AlertRunError) -> AlertRunResult {
        do {
            return try performUnchecked(options, log: log)
        } catch let error as AlertRunError {
            throw error
        } catch let error as StoreError {
            throw .store(error)
        } catch let error as AlertFileProblem {
            throw .damaged(error)
        } catch {
            throw .store(.corrupt(path: storeDirectory, detail: "\(error)"))
        }
    }

    private func performUnchecked(_ options: Options, log: (String) -> Void) throws -> AlertRunResult {
        let journal = AlertJournal(storeDirectory: storeDirectory)
        let dryRun = options.dryRun
        let lock = try journal.lock(timeout: options.lockTimeout)
        defer { withExtendedLifetime(lock) {} }
        let (loaded, version) = try journal.load()
        var state = loaded
        var recovered = 0
        if !dryRun, !state.pending.isEmpty {
            // An earlier run was stopped after committing: finish its log append first.
            recovered = try journal.appendPending(&state)
            try journal.save(state)
        }
        let committedBefore = state
        let systemHour = clock.hour()
        if options.deliverOnly {
            return try deliverOnly(options, state: &state, recovered: recovered, journal: journal, log: log)
        }

        struct Evaluation {
            var zone: LocalZone
            var state: AlertState
            var outcome: Alerter.Outcome
            var newest: Hour
            var dataThrough: Hour
            var now: Hour
            var lookBack: Bool
            var covered: Set<String>
        }
        let evaluation = try Store.readConsistently(directory: storeDirectory) { store throws -> Evaluation in
            let zone = store.zone
            guard let newest = store.newestHour else { throw AlertRunError.emptyStore(directory: storeDirectory) }
            if !dryRun, let now = options.now, now > systemHour {
                throw AlertRunError.nowInFuture(now: zone.format(now), clock: zone.format(systemHour))
            }
            let now = options.at ?? options.now ?? systemHour
            if let at = options.at, !dryRun, at > newest {
                throw AlertRunError.atAfterNewest(at: zone.format(at), newest: zone.format(newest))
            }
            // Data rules run up to the newest data; hours after it have none to evaluate.
            let dataThrough = min(options.at ?? now, newest)
            // A cursor after the newest data (a damaged state, or one an older haze's
            // `--at` typo left) would skip its subjects' hours without a word: stop
            // (a dry run looking back with --at starts from a fresh state instead).
            if !(dryRun && options.at != nil),
               let problem = AlertStateCheck.cursorsPast(state, newest: newest, zone: zone, path: journal.statePath) {
                throw problem
            }
            let alerter = Alerter(store: store, registry: registry, rules: rules, filter: options.filter)
            var lookBack = false
            if let at = options.at {
                let ahead = alerter.coveredSubjects(.data).filter { (state.dataCursors.cursor(of: $0.stateKey) ?? Int.min) > at.index }
                if !ahead.isEmpty {
                    guard dryRun else {
                        let cursor = ahead.compactMap { state.dataCursors.cursor(of: $0.stateKey) }.max() ?? at.index
                        throw AlertRunError.atBeforeCursor(at: zone.format(at), cursor: zone.format(Hour(cursor)),
                                                           subjects: ahead.count, example: ahead[0].key)
                    }
                    lookBack = true
                }
            }
            var working = lookBack ? AlertState() : state
            let plan = Alerter.Plan(through: (dataThrough, now), catchUp: max(1, options.catchUpHours), fromCursors: !lookBack)
            // The hours the rules can read — those evaluated and those before
            // them a rule looks back over — are checked first: an alert is
            // never raised (nor an episode closed) on a damaged row.
            let firstRead = dataThrough.advanced(by: -(max(1, options.catchUpHours) + rules.hoursRead))
            do throws(StoreError) { try store.verifyHourlyRows(firstRead ..< dataThrough.advanced(by: 1)) } catch { throw AlertRunError.store(error) }
            let outcome = alerter.evaluate(plan, state: &working)
            let covered = Set(AlertTimeline.allCases.flatMap { alerter.coveredSubjects($0).map(\.stateKey) })
            return Evaluation(zone: zone, state: working, outcome: outcome, newest: newest, dataThrough: dataThrough, now: now,
                              lookBack: lookBack, covered: covered)
        }

        let zone = evaluation.zone
        var result = AlertRunResult(zone: zone, newest: evaluation.newest, dataThrough: evaluation.dataThrough,
                                    now: evaluation.now)
        result.events = evaluation.outcome.events
        result.recovered = recovered
        result.notes = notes(evaluation.outcome, lookBack: evaluation.lookBack, at: options.at, zone: zone)
        let scopes = Dictionary(rules.rules.map { ($0.id, $0.scope) }, uniquingKeysWith: { a, _ in a })
        let covers: (OpenEpisode) -> Bool = { episode in
            scopes[episode.rule].map { evaluation.covered.contains(AlertSubject.stateKey($0, episode.subject)) } ?? false
        }
        state = evaluation.state
        result.highestSeverity = state.highestSeverity(rules, covers: covers)
        result.stoppedFeeds = stoppedFeeds(state, covers: covers)
        if dryRun { return result }

        // (1) Commit: the new state with its reports pending and queued per
        // receiver as the routing decides (silences and quiet hours marked in the log).
        let marks = options.routing.marks(receivers: options.receivers)
        var lines: [String] = []
        for event in result.events {
            let decision = marks ? options.routing.decide(event, receivers: options.receivers, now: evaluation.now, zone: zone) : nil
            let line = AlertRouting.record(event, zone: zone, decision: decision).serialized()
            lines.append(line)
            if let decision {
                for id in decision.receivers { state.outbox[id, default: []].append(line) }
                if decision.silencedBy != nil { result.silenced += 1 }
                if !decision.quiet.isEmpty { result.quiet += 1 }
            } else {
                for receiver in options.receivers where receiver.accepts(event) { state.outbox[receiver.id, default: []].append(line) }
            }
        }
        if !lines.isEmpty {
            state.pending = lines
            state.logSize = journal.logSize()
        }
        if state != committedBefore || version != AlertState.formatVersion {
            try journal.save(state)
            if let version, version != AlertState.formatVersion { result.upgradedFrom = version }
        }
        result.committed = true
        try interruption(.stateSaved)
        // (2) The log.
        let saved = state
        _ = try journal.appendPending(&state)
        try interruption(.logAppended)
        // (3) Deliveries, each receiver its own outbox; the state is saved
        // (pending cleared) before the first message and after every message accepted.
        var written = saved
        if options.receivers.contains(where: { !(state.outbox[$0.id] ?? []).isEmpty }) {
            if state != saved { try journal.save(state) }
            let delivered = try delivery(zone: zone, wait: options.deliveryWait).run(options.receivers, state: &state, log: log)
            result.deliveries = delivered.deliveries
            result.notes += delivered.notes
            written = state
        }
        try interruption(.delivered)
        // (4) Pending cleared, when nothing above saved it.
        if state != written { try journal.save(state) }
        return result
    }

    private func delivery(zone: LocalZone, wait: Double) -> OutboxDelivery {
        var delivery = OutboxDelivery(storeDirectory: storeDirectory, journal: AlertJournal(storeDirectory: storeDirectory),
                                      clock: clock, zone: zone, waitBudget: wait)
        let interruption = self.interruption
        delivery.accepted = { try interruption(.messageAccepted) }
        return delivery
    }

    /// `--deliver-only`: what waits in the outboxes goes out; nothing is evaluated.
    private func deliverOnly(_ options: Options, state: inout AlertState, recovered: Int, journal: AlertJournal,
                             log: (String) -> Void) throws -> AlertRunResult {
        let (zone, newest) = try Store.readConsistently(directory: storeDirectory) { store throws -> (LocalZone, Hour) in
            guard let newest = store.newestHour else { throw AlertRunError.emptyStore(directory: storeDirectory) }
            return (store.zone, newest)
        }
        let now = options.now ?? clock.hour()
        var result = AlertRunResult(zone: zone, newest: newest, dataThrough: newest, now: now)
        result.recovered = recovered
        guard !options.dryRun else { return result }
        result.committed = true
        let before = state
        let delivered = try delivery(zone: zone, wait: options.deliveryWait).run(options.receivers, state: &state, log: log)
        result.deliveries = delivered.deliveries
        result.notes += delivered.notes
        if state != before { try journal.save(state) }
        return result
    }

    private func notes(_ outcome: Alerter.Outcome, lookBack: Bool, at: Hour?, zone: LocalZone) -> [String] {
        var notes: [String] = []
        if lookBack, let at {
            notes.append("--at \(zone.format(at)) is before hours the alert state has evaluated; this dry run evaluated that hour alone, as a first run would")
        }
        if outcome.behind > 0 {
            notes.append("\(outcome.behind) subject(s) had more hours to evaluate than one run catches up (the newest ones were evaluated); up to \(outcome.skippedHours) older hour(s) were skipped for them")
        }
        if !outcome.orphans.isEmpty {
            let rules = Set(outcome.orphans.map(\.rule)).sorted().prefix(5).joined(separator: ", ")
            notes.append("\(outcome.orphans.count) open episode(s) belong to rules or subjects no longer configured (\(rules)); kept in the alert state, not evaluated")
        }
        return notes
    }

    private func stoppedFeeds(_ state: AlertState, covers: (OpenEpisode) -> Bool) -> [AlertRunResult.StoppedFeed] {
        let feeds = Set(rules.rules.filter { $0.kind.timeline == .clock }.map(\.id))
        return state.open.filter { feeds.contains($0.rule) && covers($0) }.map {
            AlertRunResult.StoppedFeed(rule: $0.rule, subject: $0.subject, lastData: $0.facts["last"] ?? "—",
                                       silentHours: $0.facts["silent"] ?? "?")
        }
    }
}
