/// Somewhere reports go after they are logged: a webhook today; chat robots,
/// Alertmanager or mail later. Each receiver has its own outbox in the alert
/// state, keyed by `id`, so one that is down keeps its reports while the
/// others get theirs, and gets them later in order.
public protocol AlertReceiver: Sendable {
    /// Stable across runs: the key of its outbox.
    var id: String { get }
    /// Whether a report goes to this receiver (routing); all by default.
    func accepts(_ event: AlertEvent) -> Bool
    /// Sends report lines (NDJSON records, oldest first); on failure they stay
    /// in the outbox for the next run.
    func send(_ lines: [String], log: (String) -> Void) -> Result<Void, AlertDeliveryError>
}

extension AlertReceiver {
    public func accepts(_ event: AlertEvent) -> Bool { true }
}

/// Why a receiver did not accept reports (its message names the cause).
public struct AlertDeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
