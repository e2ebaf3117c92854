/// `haze alert --webhook URL` as a receiver: one POST per run carrying its
/// whole outbox.
extension Webhook: AlertReceiver {
    /// The outbox key of the `--webhook` receiver (and of a format-1 state's outbox).
    public static let receiverID = "webhook"

    public var id: String { Self.receiverID }

    public func send(_ lines: [String], log: (String) -> Void) -> Result<Void, AlertDeliveryError> {
        deliver(lines, log: log).mapError { AlertDeliveryError("\($0)") }
    }
}
