import Foundation

/// Whole-file replacement that a crash cannot leave half-written:
/// write a temporary file, fsync it, rename it over the target, fsync the directory.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String) throws(StoreError) {
        let temporary = path + ".tmp.\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .system(path: temporary, operation: "create", errno: errno) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                unlink(temporary)
                throw .system(path: temporary, operation: "write", errno: code)
            }
            written += n
        }
        guard fsync(fd) == 0 else {
            let code = errno
            close(fd)
            unlink(temporary)
            throw .system(path: temporary, operation: "fsync", errno: code)
        }
        close(fd)
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try Store.rename(temporary, to: path, in: directory.isEmpty ? "." : directory)
        } catch {
            unlink(temporary)
            throw error
        }
        removeLeftovers(of: path)
    }

    /// Removes the temporary files of earlier writers of `path` that were
    /// killed before their rename (their pid no longer exists), so repeated
    /// crashes cannot litter the store.
    static func removeLeftovers(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let prefix = (path as NSString).lastPathComponent + ".tmp."
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                unlink(directory.isEmpty ? name : directory + "/" + name)
            }
        }
    }

    /// Appends a line to a log file and fsyncs it (O_APPEND: concurrent
    /// appenders of short lines never interleave).
    public static func appendLine(_ line: String, to path: String) throws(StoreError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .system(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        let bytes = Array((line.hasSuffix("\n") ? line : line + "\n").utf8)
        let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress!, bytes.count) }
        guard n == bytes.count else { throw .system(path: path, operation: "append", errno: errno) }
        fsync(fd)
    }
}
