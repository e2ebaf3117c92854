import Foundation

/// Runs blocking work — a delivery waiting on a loopback server, a process —
/// on a thread of its own, so no thread of Swift Testing's cooperative pool
/// sits blocked in a semaphore or a socket wait.
enum OffPool {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do {
                    continuation.resume(returning: try body())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
