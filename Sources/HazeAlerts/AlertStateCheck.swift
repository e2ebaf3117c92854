import Foundation
import HazeModel
import HazeRegistry
import HazeStore

/// Verifies and repairs the alert files of a store (`<store>/alerts/`):
/// what `haze check` and `haze check --repair` run for the alerter.
///
/// `verify` reads everything and changes nothing: the state file (header,
/// length, checksum, content; cursors not past the store's newest hour) and
/// the log (every line a report, the last one complete). `repair` fixes what
/// verify found, under the alert lock, never sending or logging a report:
/// a damaged or lost state is rebuilt from the log (the record of what was
/// reported) — its open episodes as last reported, refined by re-evaluating
/// the recent hours of the store silently — and the damaged file is kept
/// beside it; it says exactly what could not be restored.
public struct AlertStateCheck {
    /// The journal checked.
    public let journal: AlertJournal

    /// A check of the alert files of the store in `storeDirectory`.
    public init(storeDirectory: String) { journal = AlertJournal(storeDirectory: storeDirectory) }

    /// What `verify` found.
    public struct Report: Sendable {
        /// Each damaged file and why; empty when healthy.
        public var problems: [AlertFileProblem] = []
        /// Facts worth knowing that are not damage (an old format, pending reports).
        public var notes: [String] = []
        /// The state's format (nil: no state file).
        public var formatVersion: Int?
        /// Open episodes and log lines seen (when readable).
        public var openEpisodes = 0
        /// Lines of the report log.
        public var logLines = 0
        /// True when no file is damaged.
        public var isHealthy: Bool { problems.isEmpty }
    }

    /// What `repair` did, and what it could not restore.
    public struct Repair: Sendable {
        /// What was done, one line each (a file restored, a damaged copy kept beside it).
        public var actions: [String] = []
        /// What could not be restored (e.g. open episodes of a lost state), one line each.
        public var lost: [String] = []
        /// `verify` after the repair.
        public var after = Report()
    }

    /// Reads every alert file; changes nothing. With `store`, the cursors are
    /// checked against its newest hour.
    public func verify(store: Store? = nil) -> Report {
        var report = Report()
        guard FileManager.default.fileExists(atPath: journal.directory) else { return report }
        var pending = false
        do {
            let (state, version) = try journal.load()
            pending = !state.pending.isEmpty
            report.formatVersion = version
            report.openEpisodes = state.open.count
            if let version, version < AlertState.formatVersion {
                report.notes.append("\(journal.statePath): format \(version); the next `haze alert` (or `haze check --repair`) upgrades it to \(AlertState.formatVersion)")
            }
            if !state.pending.isEmpty {
                report.notes.append("\(journal.statePath): \(state.pending.count) report(s) of an interrupted run wait to be logged; the next `haze alert` appends them")
            }
            if state.outboxCount > 0 {
                report.notes.append("\(journal.statePath): \(state.outboxCount) report(s) wait in the outbox for a receiver")
            }
            if let store, let problem = cursorsPastData(state, store: store) { report.problems.append(problem) }
        } catch {
            report.problems.append(error)
        }
        let storeDirectory = (journal.directory as NSString).deletingLastPathComponent
        do {
            _ = try DeliveryLedger.load(storeDirectory: storeDirectory)
        } catch {
            report.problems.append(error)
        }
        do {
            _ = try SilenceBook(storeDirectory: storeDirectory).silences(zone: store?.zone ?? .beijing)
        } catch {
            report.problems.append(error)
        }
        let scan = AlertLog(path: journal.logPath).scan()
        report.logLines = scan.lines
        if !scan.badLines.isEmpty { report.problems.append(.init(path: journal.logPath, cause: .badLines(scan.badLines))) }
        if let torn = scan.tornLastLine {
            // A run stopped while appending finishes its append on the next run;
            // only a torn line the state does not account for is damage.
            if pending {
                report.notes.append("\(journal.logPath): line \(torn) is cut short; the pending reports of the state replace it on the next run")
            } else {
                report.problems.append(.init(path: journal.logPath, cause: .tornLastLine(line: torn)))
            }
        }
        return report
    }

    /// Data cursors after the store's newest hour (an `--at` typo of an older
    /// haze, or a damaged state whose checksum was made to match): those
    /// subjects would never be evaluated again.
    private func cursorsPastData(_ state: AlertState, store: Store) -> AlertFileProblem? {
        guard let newest = store.newestHour else { return nil }
        return Self.cursorsPast(state, newest: newest, zone: store.zone, path: journal.statePath)
    }

    /// The problem of a state whose data cursors are after `newest`, if any
    /// (also what stops `haze alert`, which would skip those subjects' hours).
    static func cursorsPast(_ state: AlertState, newest: Hour, zone: LocalZone, path: String) -> AlertFileProblem? {
        guard let past = state.dataCursors.newest, past > newest.index else { return nil }
        let count = ([state.dataCursors.all].compactMap { $0 }.filter { $0 > newest.index }.isEmpty ? 0 : 1)
            + state.dataCursors.subjects.values.filter { $0 > newest.index }.count
        return AlertFileProblem(path: path, cause: .inconsistent(
            "evaluated up to \(zone.format(Hour(past))), after the store's newest hour \(zone.format(newest)) "
                + "(\(count) cursor(s)); the hours in between would never be evaluated"))
    }

    /// Repairs what `verify` finds. `store`, `registry` and `rules` refine a
    /// rebuilt state by re-evaluating the recent hours (without them the log
    /// alone is used, and the repair says so). Nothing is reported or sent.
    public func repair(store: Store?, registry: StationRegistry?, rules: RuleSet?,
                       lockTimeout: Double? = nil) throws(AlertRunError) -> Repair {
        var repair = Repair()
        guard FileManager.default.fileExists(atPath: journal.directory) else {
            repair.after = verify(store: store)
            return repair
        }
        let lock: StoreLock
        do { lock = try journal.lock(timeout: lockTimeout) } catch { throw .store(error) }
        defer { withExtendedLifetime(lock) {} }
        let stamp = Int(Date().timeIntervalSince1970)
        do {
            let loaded: Result<(state: AlertState, version: Int?), AlertFileProblem>
            do { loaded = .success(try journal.load()) } catch { loaded = .failure(error) }
            switch loaded {
            case .failure(let problem) where !problem.isRepairable:
                // A newer haze's state, or one that cannot be read: not ours to replace.
                try repairLog(&repair, stamp: stamp)
                repair.lost.append("\(problem) — left as it is")
            case .success(let (loadedState, version)):
                var state = loadedState
                var changed = version != nil && version != AlertState.formatVersion
                if changed { repair.actions.append("upgraded \(journal.statePath) from format \(version ?? 1) to \(AlertState.formatVersion)") }
                if !state.pending.isEmpty {
                    let count = try journal.appendPending(&state)
                    repair.actions.append("appended \(count) pending report(s) of an interrupted run to \(journal.logPath)")
                    changed = true
                }
                try repairLog(&repair, stamp: stamp)
                if let store, cursorsPastData(state, store: store) != nil {
                    let fixed = resetCursors(&state, store: store, rules: rules)
                    repair.actions.append(fixed)
                    changed = true
                }
                if changed { try journal.save(state) }
            case .failure:
                try repairLog(&repair, stamp: stamp)
                try rebuild(&repair, store: store, registry: registry, rules: rules, stamp: stamp)
            }
        } catch let error as AlertRunError {
            throw error
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .store(.corrupt(path: journal.directory, detail: "\(error)"))
        }
        do {
            try repairDelivery(&repair, stamp: stamp, zone: store?.zone ?? .beijing)
        } catch {
            throw .store(.corrupt(path: journal.directory, detail: "\(error)"))
        }
        repair.after = verify(store: store)
        return repair
    }

    // MARK: Repairs

    /// A damaged delivery ledger is set aside and replaced by one that holds
    /// every receiver with reports waiting for a whole quota window (it may
    /// have just used its quota); bad lines of the book of silences are set
    /// aside, the others kept in order.
    private func repairDelivery(_ repair: inout Repair, stamp: Int, zone: LocalZone) throws {
        let storeDirectory = (journal.directory as NSString).deletingLastPathComponent
        let ledgerPath = DeliveryLedger.path(storeDirectory: storeDirectory)
        do {
            _ = try DeliveryLedger.load(storeDirectory: storeDirectory)
        } catch {
            let aside = Self.freshName(ledgerPath + ".damaged-\(stamp)")
            try AtomicFile.rename(ledgerPath, to: aside)
            var ledger = DeliveryLedger()
            let now = Date().timeIntervalSince1970
            for id in ((try? journal.loadState())?.outbox.keys).map(Array.init) ?? [] { ledger.block(id, until: now + 61) }
            try ledger.save(storeDirectory: storeDirectory)
            repair.actions.append("set the damaged \(ledgerPath) aside as \(aside); receivers with reports waiting wait a whole quota window before their next message")
            repair.lost.append("the receivers' recent sends and last delivery times (\(error.reason))")
        }
        let book = SilenceBook(storeDirectory: storeDirectory)
        do {
            _ = try book.silences(zone: zone)
        } catch {
            var good: [String] = []
            var bad: [String] = []
            AlertFiles.forEachLine(book.path) { line, _, terminated in
                let text = String(decoding: line, as: UTF8.self)
                let record = terminated ? try? JSONValue.parse(Array(line)) : nil
                if let record, record["action"]?.stringValue != nil, record["id"]?.stringValue != nil,
                   record["action"]?.stringValue == "expire" || record["until"]?.stringValue != nil {
                    good.append(text)
                } else {
                    bad.append(text)
                }
            }
            let aside = Self.freshName(book.path + ".damaged-\(stamp)")
            try AtomicFile.write(Array((bad.joined(separator: "\n") + "\n").utf8), to: aside)
            try AtomicFile.write(Array((good.isEmpty ? "" : good.joined(separator: "\n") + "\n").utf8), to: book.path)
            repair.actions.append("moved \(bad.count) unreadable line(s) of \(book.path) to \(aside); the other \(good.count) kept in order")
            repair.lost.append("the silence(s) on those lines: set them again with `haze alert silence` if they are still wanted")
        }
    }

    /// Moves damaged log lines (and a torn last line) to
    /// `alerts.ndjson.damaged-<time>` and keeps the good ones in order.
    private func repairLog(_ repair: inout Repair, stamp: Int) throws {
        let log = AlertLog(path: journal.logPath)
        let scan = log.scan()
        guard !scan.badLines.isEmpty || scan.tornLastLine != nil else { return }
        let bad = Set(scan.badLines + (scan.tornLastLine.map { [$0] } ?? []))
        let kept = journal.logPath + ".tmp.\(getpid())"
        let damaged = Self.freshName(journal.logPath + ".damaged-\(stamp)")
        guard FileManager.default.createFile(atPath: kept, contents: nil),
              FileManager.default.createFile(atPath: damaged, contents: nil),
              let good = FileHandle(forWritingAtPath: kept), let aside = FileHandle(forWritingAtPath: damaged) else {
            throw StoreError.system(path: kept, operation: "create", errno: errno)
        }
        AlertFiles.forEachLine(journal.logPath) { line, number, _ in
            (bad.contains(number) ? aside : good).write(Data(line) + Data([0x0A]))
        }
        try good.synchronize()
        try aside.synchronize()
        try good.close()
        try aside.close()
        try AtomicFile.rename(kept, to: journal.logPath)
        repair.actions.append("moved \(bad.count) damaged line(s) of \(journal.logPath) to \(damaged); the other \(scan.lines - bad.count) kept in order")
        repair.lost.append("the report(s) on line(s) \(bad.sorted().prefix(20).map(String.init).joined(separator: ", ")) of the log could not be read; their text is in \(damaged)")
    }

    /// Data cursors past the store's newest hour go back to the newest report
    /// of the log that is not past it (or the newest hour): the next run
    /// evaluates the hours after it.
    private func resetCursors(_ state: inout AlertState, store: Store, rules: RuleSet?) -> String {
        let newest = store.newestHour ?? Hour(0)
        var lastReport: Hour?
        AlertFiles.forEachLine(journal.logPath) { line, _, terminated in
            guard terminated, let report = try? JSONDecoder().decode(AlertLog.Report.self, from: Data(line)),
                  report.kind != AlertKind.feed(hours: 1).name,
                  case .success(let hour) = ISOHour.parse(report.time, defaultZone: store.zone), hour <= newest else { return }
            lastReport = max(lastReport ?? hour, hour)
        }
        let target = (lastReport ?? newest).index
        var moved = 0
        if let all = state.dataCursors.all, all > newest.index {
            state.dataCursors.all = target
            moved += 1
        }
        for (key, value) in state.dataCursors.subjects where value > newest.index {
            state.dataCursors.subjects[key] = target
            moved += 1
        }
        return "moved \(moved) data cursor(s) of \(journal.statePath) back from past the store's newest hour to \(store.zone.format(Hour(target))) (the last report not past it): the next run evaluates the hours after it"
    }

    /// Rebuilds a damaged or lost state from the log, refined by a silent
    /// re-evaluation of the week before the last report.
    private func rebuild(_ repair: inout Repair, store: Store?, registry: StationRegistry?, rules: RuleSet?, stamp: Int) throws {
        let zone = store?.zone ?? .beijing
        let statePath = journal.statePath
        if let bytes = try? AlertFiles.read(statePath) {
            let aside = Self.freshName(statePath + ".damaged-\(stamp)")
            try AtomicFile.write(bytes, to: aside)
            repair.actions.append("kept the damaged \(statePath) as \(aside)")
        }
        var byRule: [String: AlertRule] = [:]
        for rule in rules?.rules ?? [] { byRule[rule.id] = rule }
        let log = AlertLog(path: journal.logPath).replay(zone: zone) { rule, level in
            byRule[rule]?.levels.firstIndex { $0.name == level }
        }
        var state = AlertState()
        let newest = store?.newestHour
        var lastData = log.lastData
        if let last = lastData, let newest, last > newest { lastData = newest }
        state.dataCursors = SubjectCursors(all: lastData?.index)
        state.clockCursors = SubjectCursors(all: [log.lastClock, lastData].compactMap { $0?.index }.max())
        state.open = log.open
        repair.actions.append("rebuilt \(statePath) from \(journal.logPath): \(log.reports) report(s) read, \(log.open.count) episode(s) open as last reported; nothing was reported or sent")
        if !log.unreadable.isEmpty {
            repair.lost.append("\(log.unreadable.count) line(s) of the log could not be read as reports (line \(log.unreadable.prefix(10).map(String.init).joined(separator: ", "))); episodes they opened or closed may be wrong")
        }
        if rules == nil {
            repair.lost.append("the rule files were not available: levels are taken as the first of each rule, so an escalation may be reported again")
        }
        if let lastData {
            repair.actions.append("every subject resumes after \(zone.format(lastData)), the newest report in the log: the next `haze alert` evaluates the hours after it and reports only what was never reported")
            if let store, let registry, let rules {
                refine(&state, &repair, at: lastData, store: store, registry: registry, rules: rules)
            } else {
                repair.lost.append("peaks and current levels since each episode's last report (the store, registry or rules were not available to re-evaluate them)")
            }
        } else {
            repair.lost.append("the log holds no report: no episode to restore; the next `haze alert` starts as a first run")
        }
        repair.lost.append("the outbox: reports a receiver had not accepted yet are not sent again (the log holds every report)")
        repair.lost.append("which subjects a `--city` run had evaluated further than others: all resume from the same hour")
        try journal.save(state)
    }

    /// Re-evaluates the week up to `hour` silently and takes the current level
    /// and facts of each open episode from it, and its peak since the last
    /// report when the re-evaluation sees the episode open at the same hour.
    private func refine(_ state: inout AlertState, _ repair: inout Repair, at hour: Hour, store: Store,
                        registry: StationRegistry, rules: RuleSet) {
        let first = hour.advanced(by: -167)
        var fresh = AlertState()
        _ = Alerter(store: store, registry: registry, rules: rules).evaluate(hours: Array(first...hour), state: &fresh)
        var now: [String: OpenEpisode] = [:]
        for episode in fresh.open { now[episode.rule + "|" + episode.subject] = episode }
        var stale: [String] = []
        // Episodes whose peak since their last report nothing can vouch for: the
        // hours after that report left the hourly ring, or the re-evaluation did
        // not see the episode open from then on. Their next report (a reminder
        // or the closing) gives the peak of the log, which may be lower.
        var peakUnknown: [String] = []
        let oldestHour = store.hourlyWindow?.lowerBound.index
        for i in state.open.indices {
            let episode = state.open[i]
            let key = episode.rule + "|" + episode.subject
            let name = key.replacingOccurrences(of: "|", with: "/")
            let hoursKept = oldestHour.map { $0 - 1 <= episode.lastReported } ?? false
            if let current = now.removeValue(forKey: key) {
                state.open[i].level = current.level
                state.open[i].facts = current.facts
                // The re-evaluated peak covers the hours since the last report when the
                // re-evaluation saw the episode open by then (opened at the same hour,
                // or — a long episode — at the start of the data it had, before the report).
                let followed = current.since == episode.since
                    || (current.since > episode.since && current.since <= episode.lastReported)
                if followed, let peak = current.peak {
                    state.open[i].peak = max(episode.peak ?? peak, peak)
                }
                if !(followed && hoursKept) { peakUnknown.append(name) }
            } else {
                stale.append(name)
                peakUnknown.append(name)
            }
        }
        repair.actions.append("re-evaluated \(store.zone.format(first)) … \(store.zone.format(hour)) silently to refine levels and peaks")
        if !stale.isEmpty {
            repair.actions.append("\(stale.count) episode(s) reported open are not active at \(store.zone.format(hour)) by the store's data (e.g. \(stale.sorted().prefix(3).joined(separator: ", "))): kept open, so the next run reports their closing")
        }
        if !peakUnknown.isEmpty {
            let why = oldestHour.map { "the hourly ring now starts at \(store.zone.format(Hour($0)))" } ?? "the hourly ring holds no hours"
            repair.lost.append("the peak since the last report of \(peakUnknown.count) open episode(s) (e.g. \(peakUnknown.sorted().prefix(3).joined(separator: ", "))): the re-evaluation could not follow them from that report on (\(why)); their next report gives the highest value the log holds, which may be lower than the real peak")
        }
        if !now.isEmpty {
            let keys = now.keys.sorted().prefix(3).map { $0.replacingOccurrences(of: "|", with: "/") }
            repair.lost.append("\(now.count) episode(s) active at \(store.zone.format(hour)) by the store's data were never reported open (e.g. \(keys.joined(separator: ", "))); not restored: the next run reports them as opened if they are still active")
        }
    }

    /// `path`, or `path-2`, `path-3`, … when it exists.
    static func freshName(_ path: String) -> String {
        var candidate = path
        var n = 1
        while FileManager.default.fileExists(atPath: candidate) {
            n += 1
            candidate = path + "-\(n)"
        }
        return candidate
    }
}
