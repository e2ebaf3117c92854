import HazeModel
import HazeRegistry
import HazeStore

/// Runs the rules hour by hour over a period of history, from an empty state,
/// exactly as cron runs would have (`haze alert --replay`): for tuning
/// thresholds. Writes nothing.
public struct AlertReplay {
    /// The store to replay from; it is only read.
    public let storeDirectory: String
    /// The registry that forms the rules' subjects.
    public let registry: StationRegistry
    /// The rules replayed.
    public let rules: RuleSet
    /// The cities replayed (all by default).
    public let filter: SubjectFilter

    /// A replay of `rules` over the store in `storeDirectory`, as cron runs would have made it; writes nothing.
    public init(storeDirectory: String, registry: StationRegistry, rules: RuleSet, filter: SubjectFilter = .everything) {
        self.storeDirectory = storeDirectory
        self.registry = registry
        self.rules = rules
        self.filter = filter
    }

    /// The reports of the local days `from` … `to` (within the hours the
    /// store holds), in order, and the store's zone.
    public func events(from: CivilDate, to: CivilDate) throws(AlertRunError) -> (events: [AlertEvent], zone: LocalZone) {
        var events: [AlertEvent] = []
        let zone = try run(from: from, to: to) { events.append($0) }
        return (events, zone)
    }

    /// Hands each report to `each`, in order; returns the store's zone.
    /// (Today the reports of the whole period are gathered on one consistent
    /// view of the store first, then handed on.)
    @discardableResult
    public func run(from: CivilDate, to: CivilDate, each: (AlertEvent) -> Void) throws(AlertRunError) -> LocalZone {
        guard from <= to else { throw .invalidPeriod("haze alert --replay: --from \(from) is after --to \(to)") }
        let gathered: (events: [AlertEvent], zone: LocalZone)
        do {
            gathered = try Store.readConsistently(directory: storeDirectory) { store in
                let zone = store.zone
                guard let window = store.hourlyWindow else { return ([], zone) }
                let first = max(zone.firstHour(of: Day(from)), window.lowerBound)
                let last = min(zone.firstHour(of: Day(to).advanced(by: 1)).advanced(by: -1), window.upperBound)
                guard first <= last else { return ([], zone) }
                var state = AlertState()
                let events = Alerter(store: store, registry: registry, rules: rules, filter: filter)
                    .evaluate(hours: Array(first...last), state: &state)
                return (events, zone)
            }
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .store(.corrupt(path: storeDirectory, detail: "\(error)"))
        }
        gathered.events.forEach(each)
        return gathered.zone
    }
}
