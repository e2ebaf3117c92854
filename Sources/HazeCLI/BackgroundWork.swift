import Dispatch
import Synchronization

/// Work started on another thread at once and joined later (`value()`), so
/// that a command does two independent things on both cores: `haze rank`
/// loads the registry and forms the units while this thread opens the store
/// and checks the month's daily rows.
final class BackgroundWork<Value: Sendable>: Sendable {
    private let outcome = Mutex<Result<Value, any Error>?>(nil)
    private let group = DispatchGroup()

    /// Starts `work` on another thread.
    init(_ work: @escaping @Sendable () throws -> Value) {
        group.enter()
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            let result = Result { try work() }
            outcome.withLock { $0 = result }
            group.leave()
        }
    }

    /// Waits for the work to end: its value, or the error it threw (every call the same).
    func value() throws -> Value {
        group.wait()
        guard let result = outcome.withLock({ $0 }) else { throw BackgroundWorkLost() }
        return try result.get()
    }
}

/// The work ended without a result (cannot happen: `group.leave()` follows the result).
struct BackgroundWorkLost: Error, CustomStringConvertible {
    var description: String { "internal error: background work ended without a result" }
}
