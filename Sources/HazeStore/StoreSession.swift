#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A long read made of many short ones (a replay of years, read a day at a
/// time), each on one committed state of the store, with the store kept open
/// between them while no writer commits.
///
/// Each `read` is what `Store.readConsistently` is for one read: it waits
/// while a writer is changing the rings, runs its body, and runs it again if
/// a write began or ended meanwhile. Between reads a writer may commit; the
/// next read then opens the store again and says so (`changed`), so the
/// caller drops whatever it kept from the earlier state (cached rows, running
/// sums) instead of mixing two states. Reads in a row see states in the order
/// they were committed; one read never sees two.
package final class StoreSession {
    package let directory: String
    private let attempts: Int
    private let waitPerAttempt: Double
    private var sequence: WriteSequence?
    private var store: Store?
    /// The write sequence's value when `store` was opened.
    private var openedAt: UInt64?
    /// How many times a store was opened (the first time included).
    package private(set) var opened = 0

    package init(directory: String, attempts: Int = 50, waitPerAttempt: Double = 3) {
        self.directory = directory
        self.attempts = max(1, attempts)
        self.waitPerAttempt = waitPerAttempt
    }

    /// Runs `body` on one committed state of the store. `changed` is true when
    /// the store handed over is not the one of the previous read that
    /// returned (the first read, or a writer committed since): whatever the
    /// caller kept from earlier reads was read from another state. When the
    /// body has to run again (a write overlapped it), whatever it did must be
    /// undone by the caller: `body` gets `attempt` (0 the first time).
    package func read<T>(_ body: (_ store: Store, _ changed: Bool, _ attempt: Int) throws -> T) throws -> T {
        for attempt in 0 ..< attempts {
            if sequence == nil { sequence = WriteSequence.forReader(directory: directory) }
            var waited = 0
            while let sequence, sequence.writing, Double(waited) < waitPerAttempt * 1000 {
                usleep(5_000)
                waited += 5
            }
            let before = sequence?.value
            var changed = false
            if store == nil || before != openedAt || attempt > 0 {
                store = nil
                let fresh = try Store(directory: directory, access: .readOnly)
                store = fresh
                openedAt = before
                opened += 1
                changed = true
            }
            guard let current = store else { continue }
            let result = try body(current, changed || attempt > 0, attempt)
            guard let sequence, let before else { return result }
            let after = sequence.valueAfterReads
            if after == before && (before % 2 == 0 || !sequence.writerAlive) { return result }
            // A write overlapped the read: the next attempt opens the store again.
            store = nil
        }
        throw StoreError.busy(directory: directory, attempts: attempts)
    }
}
