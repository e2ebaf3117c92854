import Foundation
import HazeModel

/// Somewhere reports go after they are logged: a chat robot (WeCom, DingTalk,
/// Feishu), a JSON webhook, Prometheus's Alertmanager. Each receiver has its
/// own outbox in the alert state, keyed by `id`, so one that is down keeps
/// its reports while the others get theirs, and gets them later, in order.
///
/// A receiver turns the head of its outbox into one message at a time
/// (`nextMessage`: a digest that fits its limits) and sends it once
/// (`post`); pacing, retries, waiting and bookkeeping are the delivery's
/// (`OutboxDelivery`), so every attempt is counted against the receiver's
/// quota and nothing is sent twice by the receiver itself.
public protocol AlertReceiver: Sendable {
    /// Stable across runs: the key of its outbox, rate-limit record and log entries.
    var id: String { get }
    /// What it is (`wecom`, `dingtalk`, `feishu`, `webhook`, `alertmanager`), for logs and metrics.
    var kind: String { get }
    /// How often it may be sent to, and how hard to try.
    var pacing: ReceiverPacing { get }
    /// Whether a report goes to this receiver at all (routing comes first); all by default.
    func accepts(_ event: AlertEvent) -> Bool
    /// The next message from the head of an outbox (NDJSON report lines,
    /// oldest first): it carries the first `covered` lines, at least one.
    func nextMessage(_ lines: ArraySlice<String>) -> AlertMessage
    /// Sends one message, one attempt; `now` signs it.
    func post(_ message: AlertMessage, now: Date) -> DeliveryAnswer
}

extension AlertReceiver {
    /// By default a receiver accepts every report.
    public func accepts(_ event: AlertEvent) -> Bool { true }
}

/// One message to a receiver: what it carries of the outbox and its payload.
public struct AlertMessage: Sendable, Equatable {
    /// Outbox lines it carries (the first `covered`): shown in full, or folded into a count.
    var covered: Int
    /// Reports shown in full; the rest of `covered` are folded into a count.
    public var shown: Int
    package var folded: Int
    /// What `post` sends: a robot's text, a webhook's or Alertmanager's JSON body.
    public var payload: String

    /// A message covering the first `covered` outbox lines, `shown` of them in full and `folded` counted, sent as `payload`.
    public init(covered: Int, shown: Int, folded: Int, payload: String) {
        self.covered = covered
        self.shown = shown
        self.folded = folded
        self.payload = payload
    }
}

/// How a receiver answered one message.
public enum DeliveryAnswer: Sendable, Equatable {
    case accepted
    /// Refused for now because of its quota (HTTP 429, DingTalk's errcode
    /// 130101, WeCom's 45009, Feishu's 11232): send nothing more for `seconds`.
    case throttled(seconds: Double, detail: String)
    /// Not accepted: `retryable` (a timeout, a reset, a 5xx, "system busy")
    /// or not (a 4xx, a wrong signature, a keyword missing, an answer that is
    /// not the receiver's). The message stays in the outbox either way.
    case failed(retryable: Bool, detail: String)
}

/// How often a receiver may be sent to and how hard to try in one run.
public struct ReceiverPacing: Sendable, Equatable {
    /// At most `count` messages in any `seconds` (a sliding window, so no
    /// minute — whichever second it starts at — sees more than its quota).
    public struct Window: Sendable, Equatable {
        /// Messages allowed in a window.
        public var count: Int
        /// The window's length in seconds.
        public var seconds: Double
        /// At most `count` messages in any `seconds`.
        public init(count: Int, seconds: Double) {
            self.count = count
            self.seconds = seconds
        }
    }

    /// The receiver's quota windows; empty: no quota.
    public var windows: [Window]
    /// Blocked this long after a quota answer that does not say how long
    /// (DingTalk blocks a robot for 10 minutes after its 20th message in a minute).
    var throttleSeconds: Double
    /// Attempts per message in one run (timeouts, resets, 5xx are retried).
    public var attempts: Int
    /// Wall-clock seconds one run spends on this receiver, retries included.
    public var deadline: Double
    /// One attempt's timeout.
    public var attemptTimeout: Double

    /// Pacing of a receiver; times are in seconds: blocked `throttleSeconds` after a quota answer without a time, `attempts` tries each within `attemptTimeout`, all within `deadline`.
    public init(windows: [Window] = [], throttleSeconds: Double = 60, attempts: Int = 4, deadline: Double = 20,
                attemptTimeout: Double = 8) {
        self.windows = windows
        self.throttleSeconds = throttleSeconds
        self.attempts = attempts
        self.deadline = deadline
        self.attemptTimeout = attemptTimeout
    }
}

/// Why a receiver did not accept reports (its message names the cause).
struct AlertDeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
