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

    @Test("a test's body and its child tasks run on the test threads, not on the cooperative pool")
    func runsOnTestThreads() async {
        #expect(TestThreads.isCurrentThread)
        let children = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 { group.addTask { TestThreads.isCurrentThread } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(children == [true, true, true, true])
        // A task that leaves the preference (an unstructured task) is on the pool: the check can fail.
        #expect(await Task.detached { TestThreads.isCurrentThread }.value == false)
    }

    @Test("a synchronous test runs on a test thread too")
    func synchronousOnTestThreads() {
        #expect(TestThreads.isCurrentThread)
    }
}
