import Foundation
import Testing

/// The threads every suite's tests run on, instead of Swift Testing's
/// cooperative pool.
///
/// The cooperative pool has one thread per core — two here. A test that
/// blocks (a `static let` fixture being built by another test, an in-process
/// `haze` run over 59 files, a process waited for) holds one of them, and two
/// such tests stop every other test in the run: the suite then ran on one
/// core for most of its 16 minutes. On these threads a blocked test holds only
/// its own thread; the pool stays free for the `Once` fixtures and the
/// continuations of `OffPool`.
final class TestThreads: TaskExecutor, @unchecked Sendable {
    /// Enough threads that blocked tests never hold all of them; few enough
    /// that the tests' data (stores, reference outputs) fit in memory at once.
    static let shared = TestThreads(count: 8)

    /// Guards `jobs`; the only mutable state.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    private init(count: Int) {
        for _ in 0..<count {
            let thread = Thread { [self] in work() }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private static let marker = "haze-test-thread"

    /// True on one of these threads.
    static var isCurrentThread: Bool { Thread.current.threadDictionary[marker] as? Bool == true }

    private func work() {
        Thread.current.threadDictionary[Self.marker] = true
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

/// Runs a suite's tests (and its nested suites') on `TestThreads`.
/// (Also a `TestTrait`: a recursive suite trait that is not one traps in Swift Testing 6.3,
/// swiftlang/swift-testing#1048.)
struct OnTestThreads: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { true }

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        try await withTaskExecutorPreference(TestThreads.shared) { try await function() }
    }
}

extension Trait where Self == OnTestThreads {
    /// Every suite carries it (`.ci/check-test-threads` checks): blocking in
    /// a test must not stop the other tests.
    static var onTestThreads: Self { OnTestThreads() }
}
