import HazeModel
import HazeRegistry
import HazeStore

/// Runs the rules hour by hour over a period of history, from an empty state,
/// exactly as cron runs would have (`haze alert --replay`): for tuning
/// thresholds. Writes nothing.
///
/// **Streaming.** The period is evaluated a day of hours (`chunkHours`) at a
/// time and each report is handed on as soon as its day is done; what is kept
/// from one day to the next is what the rules need — the open episodes, the
/// rolling sums, the values looked back over — never the reports. Memory is
/// bounded by the open episodes, not by the length of the period, and the
/// pages of the hourly ring behind the replay are given back to the kernel.
///
/// **Consistency while a writer commits.** The period is fixed when the replay
/// starts: the hours of `from` … `to` the hourly ring holds then. Each day of
/// hours is evaluated on one committed state of the store (`StoreSession`): a
/// write that overlaps a day's evaluation makes that day run again from the
/// episodes as they were before it, so no report of a torn read is ever handed
/// on. A commit between two days is seen from the next day on: the store is
/// opened again and everything cached from the earlier state is dropped. So
/// every hour is judged on one committed state, later hours on the same or a
/// later state, and no hour already reported is revisited: a value a writer
/// adds for an hour already replayed does not change what was reported for
/// it. If a commit moves the ring past hours still to be replayed, the replay
/// stops with `AlertRunError.replayOutrun` rather than take them as missing;
/// the reports handed on until then stand.
public struct AlertReplay {
    /// The store to replay from; it is only read.
    public let storeDirectory: String
    /// The registry that forms the rules' subjects.
    public let registry: StationRegistry
    /// The rules replayed.
    public let rules: RuleSet
    /// The cities replayed (all by default).
    public let filter: SubjectFilter
    /// Hours evaluated on one committed state of the store (a day by default).
    package var chunkHours = 24
    /// Called after a chunk's hours were evaluated, before its reads are
    /// checked against the write sequence, with the chunk and the attempt
    /// (0 the first time): lets tests commit a write at a chosen point.
    package var afterEvaluating: ((ClosedRange<Hour>, Int) -> Void)?
    /// Hours kept resident behind the hour being evaluated: what rules look
    /// back over (ten daily windows for episodes, the rolling day, an evening).
    static let residentHours = 24 * 14
    /// Days kept resident behind the day being evaluated: trend rules read the
    /// month to date and the same days a year earlier.
    static let residentDays = 400

    /// A replay of `rules` over the store in `storeDirectory`, as cron runs would have made it; writes nothing.
    public init(storeDirectory: String, registry: StationRegistry, rules: RuleSet, filter: SubjectFilter = .everything) {
        self.storeDirectory = storeDirectory
        self.registry = registry
        self.rules = rules
        self.filter = filter
    }

    /// The subjects the rules watch in this replay (the filter applied), rule
    /// by rule, so a subject several rules watch comes more than once; the
    /// store is not needed to know them.
    public var subjects: [AlertSubject] {
        rules.rules.flatMap { rule in
            AlertSubject.all(rule.scope, registry: registry, cities: rule.cities).filter { filter.covers($0, registry: registry) }
        }
    }

    /// The reports of the local days `from` … `to` (within the hours the
    /// store holds), in order, and the store's zone. Holds every report in
    /// memory: for long periods, take them one by one with `run(from:to:each:)`.
    public func events(from: CivilDate, to: CivilDate) throws(AlertRunError) -> (events: [AlertEvent], zone: LocalZone) {
        var events: [AlertEvent] = []
        let zone = try run(from: from, to: to) { events.append($0) }
        return (events, zone)
    }

    /// Hands each report of the local days `from` … `to` (within the hours
    /// the store holds when the replay starts) to `each`, in order, as the
    /// replay makes them; returns the store's zone.
    @discardableResult
    public func run(from: CivilDate, to: CivilDate, each: (AlertEvent) -> Void) throws(AlertRunError) -> LocalZone {
        guard from <= to else { throw .invalidPeriod("haze alert --replay: --from \(from) is after --to \(to)") }
        let session = StoreSession(directory: storeDirectory)
        var tracker = Alerter.emptyTracker()
        var alerter: Alerter?
        var plan: (zone: LocalZone, hours: ClosedRange<Hour>?)?
        var next = Hour(Int.min)
        var released = Int.min
        var releasedDays = Int.min
        do {
            while true {
                let step = try session.read { store, changed, attempt -> Step in
                    let zone = store.zone
                    let period = plan?.hours ?? Self.period(from: from, to: to, zone: zone, window: store.hourlyValues.window)
                    guard let period else { return Step(zone: zone, period: nil, chunk: nil, events: [], tracker: tracker) }
                    let first = plan == nil ? period.lowerBound : next
                    guard first <= period.upperBound else {
                        return Step(zone: zone, period: period, chunk: nil, events: [], tracker: tracker)
                    }
                    let chunk = first ... min(first.advanced(by: max(1, chunkHours) - 1), period.upperBound)
                    var current: Alerter
                    if let kept = alerter, !changed {
                        current = kept
                    } else {
                        // Another state of the store: nothing cached from the earlier one is used.
                        current = Alerter(store: store, registry: registry, rules: rules, filter: filter)
                        alerter = current
                        let window = current.context.values
                        guard window.holds(chunk.lowerBound.index), window.holds(chunk.upperBound.index) else {
                            throw AlertRunError.replayOutrun(
                                next: zone.format(chunk.lowerBound), last: zone.format(period.upperBound),
                                window: window.window.map { "\(zone.format($0.lowerBound)) … \(zone.format($0.upperBound))" } ?? "no hours")
                        }
                    }
                    // The chunk's hours and those its rules look back over, checked first (once per opened store).
                    do throws(StoreError) {
                        try store.verifyHourlyRows(chunk.lowerBound.advanced(by: -rules.hoursRead) ..< chunk.upperBound.advanced(by: 1))
                    } catch {
                        throw AlertRunError.store(error)
                    }
                    // The episodes as they were before this chunk: a rerun starts from them again.
                    var working = tracker
                    var events: [AlertEvent] = []
                    current.replay(chunk, tracker: &working) { events.append($0) }
                    afterEvaluating?(chunk, attempt)
                    return Step(zone: zone, period: period, chunk: chunk, events: events, tracker: working)
                }
                if plan == nil { plan = (step.zone, step.period) }
                guard let chunk = step.chunk else { break }
                tracker = step.tracker
                next = chunk.upperBound.advanced(by: 1)
                step.events.forEach(each)
                // The rows behind what the rules look back over are not read again.
                let behind = chunk.upperBound.index - Self.residentHours
                if let values = alerter?.context.values, behind > max(released, values.first) {
                    values.release(max(released + 1, values.first) ... behind)
                    released = behind
                }
                if let context = alerter?.context, let days = context.store.dailyWindow {
                    let before = context.zone.day(of: chunk.upperBound).index - Self.residentDays
                    if before > max(releasedDays, days.lowerBound.index) {
                        context.store.releaseDailyRows(max(releasedDays + 1, days.lowerBound.index) ... before)
                        releasedDays = before
                    }
                }
            }
        } catch let error as AlertRunError {
            throw error
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .store(.corrupt(path: storeDirectory, detail: "\(error)"))
        }
        return plan?.zone ?? .beijing
    }

    /// The hours of local days `from` … `to` the window holds.
    static func period(from: CivilDate, to: CivilDate, zone: LocalZone, window: ClosedRange<Hour>?) -> ClosedRange<Hour>? {
        guard let window else { return nil }
        let first = max(zone.firstHour(of: Day(from)), window.lowerBound)
        let last = min(zone.firstHour(of: Day(to).advanced(by: 1)).advanced(by: -1), window.upperBound)
        return first <= last ? first ... last : nil
    }

    /// What one chunk's read produced.
    private struct Step {
        var zone: LocalZone
        var period: ClosedRange<Hour>?
        var chunk: ClosedRange<Hour>?
        var events: [AlertEvent]
        var tracker: EpisodeTracker
    }
}
