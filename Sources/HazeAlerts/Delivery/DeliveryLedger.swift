import Foundation
import HazeModel
import HazeStore

/// What deliveries must remember between runs, per receiver
/// (`<store>/alerts/delivery.json`): when its latest messages went (for its
/// quota windows), until when it is blocked (DingTalk's 10 minutes), and its
/// last success and failure (for `haze status --format prometheus`).
///
/// Written like the alert state — a header line with the length and an
/// FNV-1a checksum of the JSON line after it, replaced atomically — and
/// before every message, so a run killed at any point never lets the next
/// one exceed a quota. A damaged file is never trusted: every receiver then
/// waits a whole window as if it had just sent its quota.
package struct DeliveryLedger: Sendable, Equatable {
    package struct Receiver: Codable, Sendable, Equatable {
        package var kind: String?
        /// Seconds since 1970 of the latest sends, oldest first (as many as the largest window counts).
        package var sent: [Double] = []
        package var blocked_until: Double?
        package var last_delivered: Double?
        package var last_failed: Double?
        var last_error: String?

        package init() {}
    }

    package var receivers: [String: Receiver] = [:]

    package init() {}

    /// Seconds until `id` may be sent its next message (0: now).
    package func wait(_ id: String, pacing: ReceiverPacing, now: Double) -> Double {
        guard let record = receivers[id] else { return 0 }
        var wait = 0.0
        if let until = record.blocked_until, until > now {
            // A block further ahead than any vendor sets comes from a clock that jumped: at most a day.
            wait = min(until - now, 86_400)
        }
        for window in pacing.windows where window.count > 0 {
            let recent = record.sent.filter { $0 > now - window.seconds }
            guard recent.count >= window.count else { continue }
            let oldest = recent[recent.count - window.count]
            wait = max(wait, min(oldest + window.seconds - now, window.seconds))
        }
        return max(0, wait)
    }

    mutating func recordSend(_ id: String, kind: String, pacing: ReceiverPacing, now: Double) {
        var record = receivers[id] ?? Receiver()
        record.kind = kind
        record.sent.append(now)
        let keep = max(1, pacing.windows.map(\.count).max() ?? 1)
        if record.sent.count > keep { record.sent.removeFirst(record.sent.count - keep) }
        receivers[id] = record
    }

    package mutating func block(_ id: String, until: Double) {
        receivers[id, default: Receiver()].blocked_until = until
    }

    package mutating func delivered(_ id: String, kind: String, now: Double) {
        receivers[id, default: Receiver()].kind = kind
        receivers[id, default: Receiver()].last_delivered = now
    }

    package mutating func failed(_ id: String, kind: String, now: Double, error: String) {
        receivers[id, default: Receiver()].kind = kind
        receivers[id, default: Receiver()].last_failed = now
        receivers[id, default: Receiver()].last_error = error
    }

    /// After damage: as if every known receiver had just sent its quota.
    static func conservative(_ receivers: [any AlertReceiver], now: Double) -> DeliveryLedger {
        var ledger = DeliveryLedger()
        for receiver in receivers {
            var record = Receiver()
            record.kind = receiver.kind
            record.sent = Array(repeating: now, count: max(1, receiver.pacing.windows.map(\.count).max() ?? 1))
            record.blocked_until = now + (receiver.pacing.windows.map(\.seconds).max() ?? 0)
            ledger.receivers[receiver.id] = record
        }
        return ledger
    }

    // MARK: The file

    static let format = "haze-alert-delivery"
    static let version = 1

    private struct Header: Codable {
        var format: String
        var version: Int
        var bytes: Int
        var fnv1a64: String
    }

    private struct Body: Codable {
        var receivers: [String: Receiver]
    }

    package static func path(storeDirectory: String) -> String { storeDirectory + "/alerts/delivery.json" }

    func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(Body(receivers: receivers))).map { [UInt8]($0) } ?? []
        let header = Header(format: Self.format, version: Self.version, bytes: body.count, fnv1a64: StableHash.hex(body))
        return ((try? encoder.encode(header)).map { [UInt8]($0) } ?? []) + [0x0A] + body + [0x0A]
    }

    static func decode(_ bytes: [UInt8], path: String) throws(AlertFileProblem) -> DeliveryLedger {
        func fail(_ cause: AlertFileProblem.Cause) -> AlertFileProblem { AlertFileProblem(path: path, cause: cause) }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0 }) { throw fail(.empty) }
        let firstBreak = bytes.firstIndex(of: 0x0A) ?? bytes.count
        guard let header = try? JSONDecoder().decode(Header.self, from: Data(bytes[..<firstBreak])), header.format == format else {
            throw fail(.garbage("the first line is not a haze delivery-ledger header"))
        }
        guard header.version <= version else { throw fail(.newerVersion(found: header.version, supported: version)) }
        var body = Array(bytes[min(firstBreak + 1, bytes.count)...])
        if body.last == 0x0A { body.removeLast() }
        guard body.count >= header.bytes else { throw fail(.truncated(expected: header.bytes, found: body.count)) }
        guard body.count == header.bytes else { throw fail(.extended(expected: header.bytes, found: body.count)) }
        let sum = StableHash.hex(body)
        guard sum == header.fnv1a64 else { throw fail(.checksum(expected: header.fnv1a64, found: sum)) }
        guard let decoded = try? JSONDecoder().decode(Body.self, from: Data(body)) else { throw fail(.undecodable("not a ledger")) }
        for record in decoded.receivers.values {
            let times = record.sent + [record.blocked_until, record.last_delivered, record.last_failed].compactMap { $0 }
            guard times.allSatisfy({ $0.isFinite && abs($0) < 1e12 }) else { throw fail(.inconsistent("a time that is not a time")) }
        }
        var ledger = DeliveryLedger()
        ledger.receivers = decoded.receivers
        return ledger
    }

    /// The ledger of a store (empty when there is none yet).
    package static func load(storeDirectory: String) throws(AlertFileProblem) -> DeliveryLedger {
        let path = path(storeDirectory: storeDirectory)
        guard let bytes = try AlertFiles.read(path) else { return DeliveryLedger() }
        return try decode(bytes, path: path)
    }

    func save(storeDirectory: String) throws(StoreError) {
        try AtomicFile.write(encoded(), to: Self.path(storeDirectory: storeDirectory))
    }
}
