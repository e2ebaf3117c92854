/// A value computed once per test run, off Swift Testing's cooperative pool
/// when its computation blocks (through `OffPool`), shared by every test that
/// awaits it. Starts on first use (a `static let` is initialised lazily).
final class Once<Value>: Sendable {
    /// Holds the computed value; written once before the task finishes and
    /// only read after, so immutable from every reader's point of view.
    private struct Box: @unchecked Sendable { let value: Value }
    private let task: Task<Box, Never>

    init(_ compute: @escaping @Sendable () async -> Value) {
        task = Task { Box(value: await compute()) }
    }

    var value: Value { get async { await task.value.value } }
}
