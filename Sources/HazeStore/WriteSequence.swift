import Foundation

/// A sequence lock between the store's writer and its readers, in
/// `<store>/seq`: the writer makes the counter odd while it changes the rings
/// and even when it is done (with its pid beside it); a reader that saw the
/// same even value before and after its work read one consistent state, and
/// otherwise reads again. Readers never block the writer, and never take its lock.
final class WriteSequence: @unchecked Sendable {
    static let fileName = "seq"
    private let file: MappedFile

    private init(file: MappedFile) { self.file = file }

    /// The writer's view: creates the file if needed, and clears an odd value
    /// left by a writer that was killed mid-write (the writer holds the lock).
    static func forWriter(directory: String) throws(StoreError) -> WriteSequence {
        let path = directory + "/" + fileName
        let file: MappedFile
        if FileManager.default.fileExists(atPath: path), let existing = try? MappedFile(openingExisting: path, writable: true),
           existing.length >= 16 {
            file = existing
        } else {
            file = try MappedFile(creating: path, length: 4096)
        }
        let sequence = WriteSequence(file: file)
        if sequence.value % 2 == 1 { sequence.store(sequence.value + 1) }
        return sequence
    }

    /// A reader's view, or nil when the store has no sequence file yet.
    static func forReader(directory: String) -> WriteSequence? {
        guard let file = try? MappedFile(openingExisting: directory + "/" + fileName, writable: false), file.length >= 16 else {
            return nil
        }
        return WriteSequence(file: file)
    }

    var value: UInt64 { UInt64(bitPattern: file.i64(0)) }
    var writerPID: Int32 { file.i32(8) }

    private func store(_ value: UInt64) { file.setI64(0, Int64(bitPattern: value)) }

    func beginWrite() {
        file.setI32(8, getpid())
        if value % 2 == 0 { store(value + 1) }
    }

    func endWrite() {
        if value % 2 == 1 { store(value + 1) }
    }

    /// True while a live writer is between begin and end.
    var writing: Bool {
        guard value % 2 == 1 else { return false }
        let pid = writerPID
        return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }
}

extension Store {
    /// Runs `body` on a state no writer was changing: reopens and repeats it
    /// if a write happened meanwhile (rare: writes take milliseconds).
    public static func readConsistently<T>(directory: String, attempts: Int = 50,
                                           _ body: (Store) throws -> T) throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            let sequence = WriteSequence.forReader(directory: directory)
            var waited = 0
            while let sequence, sequence.writing, waited < 3000 {
                usleep(5_000)
                waited += 5
            }
            let before = sequence?.value
            let result = try body(try Store(directory: directory, access: .readOnly))
            guard let sequence, let before else { return result }
            let stable = sequence.value == before && (before % 2 == 0 || !sequence.writing)
            if stable || attempt >= attempts { return result }
        }
    }
}
