import Foundation
import HazeNet
import HazeModel
import HazeStore

/// Empties the receivers' outboxes as far as their quotas and health allow,
/// in order, each report exactly once.
///
/// For each receiver, one message at a time from the head of its outbox:
/// wait for its quota (through the clock, within the run's waiting budget),
/// record the send in the ledger *before* sending (a failed call still counts
/// against a robot's quota, and a kill then never lets the next run exceed
/// it), send once, then — accepted — log the delivery and save the state
/// without those reports; throttled — block the receiver (DingTalk: 10
/// minutes) and keep the rest; failed — retry a timeout, reset or 5xx with
/// backoff while attempts and time remain, else keep the rest. A kill between
/// a receiver's accepting a message and the save sends that one message again.
struct OutboxDelivery {
    let storeDirectory: String
    let journal: AlertJournal
    let clock: AlertClock
    let zone: LocalZone
    /// Seconds of this run that may be spent waiting for quotas and backoff (on the clock).
    let waitBudget: Double
    /// Called after a receiver accepted a message, before the state is saved (tests stop a run there).
    var accepted: () throws -> Void = {}

    struct Outcome {
        var deliveries: [AlertRunResult.Delivery] = []
        var notes: [String] = []
    }

    func run(_ receivers: [any AlertReceiver], state: inout AlertState, log: (String) -> Void) throws -> Outcome {
        var outcome = Outcome()
        let pending = receivers.filter { !(state.outbox[$0.id] ?? []).isEmpty }
        guard !pending.isEmpty else { return outcome }
        var ledger: DeliveryLedger
        do {
            ledger = try DeliveryLedger.load(storeDirectory: storeDirectory)
        } catch {
            // Never trusted, never lost: set aside for `haze check`, and every
            // receiver taken as having just used its quota.
            let path = DeliveryLedger.path(storeDirectory: storeDirectory)
            try AtomicFile.rename(path, to: path + ".damaged-\(Int(clock.seconds()))")
            ledger = .conservative(receivers, now: clock.seconds())
            outcome.notes.append("\(error); set aside as delivery.json.damaged-\(Int(clock.seconds())), every receiver taken as having just used its quota (nothing is lost: reports wait in the outboxes)")
            try ledger.save(storeDirectory: storeDirectory)
        }
        let deliveryLog = DeliveryLog(storeDirectory: storeDirectory)
        let budgetEnd = clock.seconds() + max(0, waitBudget)
        for receiver in pending {
            let delivery = try deliver(receiver, state: &state, ledger: &ledger, log: deliveryLog, budgetEnd: budgetEnd, note: log)
            outcome.deliveries.append(delivery)
        }
        return outcome
    }

    private func deliver(_ receiver: any AlertReceiver, state: inout AlertState, ledger: inout DeliveryLedger, log: DeliveryLog,
                         budgetEnd: Double, note: (String) -> Void) throws -> AlertRunResult.Delivery {
        let id = receiver.id
        let pacing = receiver.pacing
        // The receiver's deadline bounds the wall-clock time spent on one
        // message, its retries and backoff included; waiting for a quota does not count.
        var started: UInt64?
        func elapsed() -> Double {
            started.map { Double(DispatchTime.now().uptimeNanoseconds - $0) / 1e9 } ?? 0
        }
        var delivery = AlertRunResult.Delivery(receiver: id, sent: 0, kept: 0, error: nil)
        var attempt = 0
        var stopped: String?
        var lastError: String?
        if let why = Libcurl.failure, state.outbox[id]?.isEmpty == false {
            // Nothing can be sent from this machine: no attempt is counted
            // against the receiver's quota, and every report waits in the outbox.
            stopped = "not sent"
            lastError = why
            note("\(id): not sent: \(why)")
        }
        while stopped == nil, let outbox = state.outbox[id], !outbox.isEmpty {
            let message = receiver.nextMessage(outbox[...])
            let covered = max(1, min(message.covered, outbox.count))
            let wait = ledger.wait(id, pacing: pacing, now: clock.seconds())
            if wait > 0 {
                guard clock.seconds() + wait <= budgetEnd else {
                    let at = WallTime.format(clock.seconds() + wait, zone: zone)
                    stopped = (ledger.receivers[id]?.blocked_until ?? 0) > clock.seconds()
                        ? "blocked by the receiver until \(at)" : "quota reached; the next message may go at \(at)"
                    break
                }
                clock.sleep(wait)
                continue
            }
            if started == nil { started = DispatchTime.now().uptimeNanoseconds }
            guard elapsed() < pacing.deadline else {
                stopped = "no answer within its \(GBT8170.format(pacing.deadline, decimals: 0)) s per message"
                break
            }
            attempt += 1
            let now = clock.seconds()
            ledger.recordSend(id, kind: receiver.kind, pacing: pacing, now: now)
            try ledger.save(storeDirectory: storeDirectory)
            let answer = receiver.post(message, now: clock.date())
            let lines = outbox.prefix(covered)
            switch answer {
            case .accepted:
                try accepted()
                try log.append(time: clock.seconds(), zone: zone, receiver: receiver, status: .delivered, attempt: attempt,
                               message: message, lines: lines)
                let rest = Array(outbox.dropFirst(covered))
                state.outbox[id] = rest.isEmpty ? nil : rest
                try journal.save(state)
                ledger.delivered(id, kind: receiver.kind, now: clock.seconds())
                try ledger.save(storeDirectory: storeDirectory)
                delivery.sent += covered
                delivery.messages += 1
                attempt = 0
                started = nil
            case .throttled(let seconds, let detail):
                let seconds = max(1, seconds)
                ledger.block(id, until: clock.seconds() + seconds)
                ledger.failed(id, kind: receiver.kind, now: clock.seconds(), error: detail)
                try ledger.save(storeDirectory: storeDirectory)
                try log.append(time: clock.seconds(), zone: zone, receiver: receiver, status: .throttled, attempt: attempt,
                               message: message, lines: lines, detail: detail,
                               extra: [("blocked_until", .string(WallTime.format(clock.seconds() + seconds, zone: zone)))])
                lastError = detail
                note("\(id): \(detail); blocked for \(GBT8170.format(seconds, decimals: 0)) s")
                // The wait above decides: within the budget the run waits the block out, else the rest is kept.
                attempt = 0
                started = nil
                continue
            case .failed(let retryable, let detail):
                ledger.failed(id, kind: receiver.kind, now: clock.seconds(), error: detail)
                try ledger.save(storeDirectory: storeDirectory)
                try log.append(time: clock.seconds(), zone: zone, receiver: receiver, status: .failed, attempt: attempt,
                               message: message, lines: lines, detail: detail)
                note("\(id): attempt \(attempt) failed: \(detail)")
                let pause = 0.5 * pow(2, Double(attempt - 1)) * Double.random(in: 0.75...1.25)
                if retryable, attempt < pacing.attempts, clock.seconds() + pause <= budgetEnd, elapsed() + pause < pacing.deadline {
                    clock.sleep(pause)
                    continue
                }
                lastError = detail
                stopped = retryable ? "gave up after \(attempt) attempt(s)" : "the receiver refused it"
            }
            if stopped != nil { break }
        }
        delivery.kept = state.outbox[id]?.count ?? 0
        if delivery.kept > 0 {
            delivery.error = lastError
            delivery.reason = stopped
            try log.append(time: clock.seconds(), zone: zone, receiver: receiver, status: .kept, detail: stopped ?? "",
                           extra: [("kept", .int(delivery.kept))])
        }
        return delivery
    }
}
