#if canImport(Glibc)
import Glibc
#endif

/// Byte-for-byte copies of store files (for backups before a repair).
package enum FileCopy {
    /// Copies `source` to a new file `destination` (which must not exist), synced.
    package static func copy(_ source: String, to destination: String) throws(StoreError) {
        let input = open(source, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard input >= 0 else { throw .system(path: source, operation: "open for backup", errno: errno) }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw .system(path: destination, operation: "create backup", errno: errno) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var failure: (String, Int32)?
        while failure == nil {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                failure = ("read for backup", errno)
                break
            }
            do {
                try AtomicFile.writeAll(output, Array(buffer[0 ..< n]), path: destination)
            } catch {
                if case .system(_, _, let code) = error { failure = ("write backup", code) } else { failure = ("write backup", EIO) }
            }
        }
        if failure == nil && fsync(output) != 0 { failure = ("fsync backup", errno) }
        close(output)
        if let (operation, code) = failure {
            unlink(destination)
            throw .system(path: destination, operation: operation, errno: code)
        }
    }
}
