import Foundation
import Testing

@Suite("The test harness itself", .onTestThreads)
struct TestHarnessTests {
    /// A suite without the trait would run on the two-thread cooperative pool,
    /// where two blocked tests stop the whole run again.
    @Test("every suite runs its tests on the test threads, off Swift Testing's cooperative pool")
    func everySuiteOnTestThreads() throws {
        let directory = TestPaths.root + "/Tests/HazeKitTests"
        let files = try #require(FileManager.default.enumerator(atPath: directory)?.allObjects as? [String])
        var suites = 0
        var without: [String] = []
        for file in files where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
            for line in text.split(separator: "\n") where line.trimmingCharacters(in: .whitespaces).hasPrefix("@Suite") {
                suites += 1
                if !line.contains(".onTestThreads") { without.append(file + ": " + line) }
            }
        }
        #expect(suites > 60)
        #expect(without.isEmpty, "\(without)")
    }

    @Test("blocking tasks of a test run on test threads at the same time: six meet at once")
    func blockingDoesNotStopOthers() async throws {
        // On the cooperative pool (two threads here) at most two of these could
        // be inside at once, and the meeting would time out.
        let meeting = Meeting(expected: 6)
        let met = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<6 { group.addTask { meeting.arriveAndWait(seconds: 60) } }
            return try await group.reduce(true) { $0 && $1 }
        }
        #expect(met, "six blocking tasks were never inside at the same time")
    }
}

/// Blocks each arriving thread until `expected` have arrived or time runs out.
private final class Meeting: @unchecked Sendable {
    private let condition = NSCondition()
    private let expected: Int
    private var arrived = 0 // guarded by condition

    init(expected: Int) { self.expected = expected }

    func arriveAndWait(seconds: Double) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        arrived += 1
        condition.broadcast()
        let deadline = Date(timeIntervalSinceNow: seconds)
        while arrived < expected {
            if !condition.wait(until: deadline) { return false }
        }
        return true
    }
}
