import Foundation

/// Runs blocking work — a process, a pipe read, a semaphore, a sleep, a
/// delivery waiting on a loopback server — on a thread of its own and resumes
/// the awaiting task when it is done, so no thread of Swift Testing's
/// cooperative pool sits blocked. The one way tests wait on something blocking.
enum OffPool {
    static func run<T: Sendable, Failure: Error>(_ body: @escaping @Sendable () throws(Failure) -> T) async throws(Failure) -> T {
        let result: Result<T, Failure> = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                do throws(Failure) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}
