import HazeModel

/// Who gets a report: the routes of `alerts/routes.json` (every route whose
/// match accepts the report sends it to its receivers; a receiver gets a
/// report once however many routes name it), minus silences (nobody) and
/// quiet hours (that receiver, below the severities it lets through).
///
/// Receivers not governed by the routes file (`--webhook`) get every report,
/// as before routes existed.
public struct AlertRouting: Sendable {
    /// Reports matching `match` go to `receivers`.
    public struct Route: Sendable, Equatable {
        /// Which reports the route takes.
        public var match: ReportMatch
        /// The receivers' ids.
        public var receivers: [String]

        /// A route of reports matching `match` to `receivers` (ids).
        public init(match: ReportMatch, receivers: [String]) {
            self.match = match
            self.receivers = receivers
        }
    }

    /// The routes; a report goes to every receiver of every route that matches it.
    public var routes: [Route]
    /// The receivers whose reports the routes decide.
    public var routed: Set<String>
    /// Zones, for matching `zone=` fields.
    public var zones: ZoneTable
    /// Silences in force: a report matching one goes to no receiver (it is still logged).
    public var silences: [AlertSilence]
    var quietHours: [String: QuietHours]

    /// Routing by `routes` for the `routed` receivers; other receivers get every report. `quietHours` is by receiver id.
    public init(routes: [Route] = [], routed: Set<String> = [], zones: ZoneTable = ZoneTable(), silences: [AlertSilence] = [],
                quietHours: [String: QuietHours] = [:]) {
        self.routes = routes
        self.routed = routed
        self.zones = zones
        self.silences = silences
        self.quietHours = quietHours
    }

    /// Every receiver gets every report.
    public static let everything = AlertRouting()

    /// What became of one report.
    public struct Decision: Sendable, Equatable {
        /// The silence that holds it back from everyone.
        var silencedBy: String?
        /// Receivers whose outbox it goes to.
        public var receivers: [String] = []
        /// Receivers it would have gone to but for their quiet hours.
        public var quiet: [String] = []
    }

    /// Which of `receivers` get `event` at `now`, which are held back by a silence or quiet hours (in `zone`'s local time).
    public func decide(_ event: AlertEvent, receivers: [any AlertReceiver], now: Hour, zone: LocalZone) -> Decision {
        let fields = ReportFields(event, zones: zones)
        var decision = Decision()
        if let silence = silences.first(where: { $0.covers(fields) }) {
            decision.silencedBy = silence.id
            return decision
        }
        let matching = routes.filter { $0.match.matches(fields) }
        for receiver in receivers where receiver.accepts(event) {
            if routed.contains(receiver.id), !matching.contains(where: { $0.receivers.contains(receiver.id) }) { continue }
            if let quiet = quietHours[receiver.id], quiet.holds(event.severity, at: now, zone: zone) {
                decision.quiet.append(receiver.id)
            } else {
                decision.receivers.append(receiver.id)
            }
        }
        return decision
    }

    /// Whether log lines carry routing marks (there is someone to route to, or a silence).
    public func marks(receivers: [any AlertReceiver]) -> Bool { !receivers.isEmpty || !silences.isEmpty }

    /// The log record of a report with what became of it:
    /// `"routed":[…]` (receivers it went to), `"quiet":[…]`, `"silenced":"id"`.
    static func record(_ event: AlertEvent, zone: LocalZone, decision: Decision?) -> JSONValue {
        let base = event.json(zone)
        guard let decision, case .object(var fields) = base else { return base }
        fields.append(("routed", .array(decision.receivers.map { .string($0) })))
        if !decision.quiet.isEmpty { fields.append(("quiet", .array(decision.quiet.map { .string($0) }))) }
        if let silence = decision.silencedBy { fields.append(("silenced", .string(silence))) }
        return .object(fields)
    }
}
