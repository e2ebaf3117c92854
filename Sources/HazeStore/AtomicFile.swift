#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Whole-file replacement that a crash cannot leave half-written:
/// write a temporary file, fsync it, rename it over the target, fsync the
/// directory. Every step's failure is reported with its path and cause.
package enum AtomicFile {
    /// The temporary name a writer of `path` uses (`<path>.tmp.<pid>`), so a
    /// killed writer's leftovers are recognisable and removable.
    package static func temporaryPath(for path: String) -> String { path + ".tmp.\(getpid())" }

    /// Replaces `path` with `bytes`. `durable: false` skips the file's and the
    /// directory's sync, for a caller that writes many files and flushes their
    /// directory once itself (a reader still sees the old file or the new one);
    /// `syncingDirectory: false` syncs the file but leaves its directory to
    /// the caller, who syncs it once for several files (`syncDirectory(of:)`).
    package static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644, durable: Bool = true,
                              syncingDirectory: Bool = true) throws(StoreError) {
        let temporary = temporaryPath(for: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw .system(path: temporary, operation: "create", errno: errno) }
        do throws(StoreError) {
            try writeAll(fd, bytes, path: temporary)
            if durable {
                SyncCount.add()
                guard fsync(fd) == 0 else { throw StoreError.system(path: temporary, operation: "fsync", errno: errno) }
                SyncCount.observer?(temporary, nil)
            }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        do throws(StoreError) {
            if durable && syncingDirectory {
                try rename(temporary, to: path)
            } else if Glibc.rename(temporary, path) != 0 {
                throw StoreError.system(path: path, operation: "rename", errno: errno)
            }
        } catch {
            unlink(temporary)
            throw error
        }
        removeLeftovers(of: path)
    }

    /// Writes every byte, retrying short writes and EINTR.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(StoreError) {
        var written = 0
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            while written < buffer.count {
                let n = Glibc.write(fd, base + written, buffer.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                written += n
            }
        }
        if failure != 0 { throw .system(path: path, operation: "write", errno: failure) }
    }

    /// Renames `from` over `to` and syncs the directory, so the new name
    /// survives a power loss.
    package static func rename(_ from: String, to: String) throws(StoreError) {
        guard Glibc.rename(from, to) == 0 else { throw .system(path: to, operation: "rename", errno: errno) }
        try syncDirectory(of: to)
    }

    /// fsync of the directory holding `path`.
    package static func syncDirectory(of path: String) throws(StoreError) {
        let parent = Directory.parentPath(of: path)
        let directory = parent.isEmpty ? "." : parent
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .system(path: directory, operation: "open directory", errno: errno) }
        defer { close(fd) }
        // EINVAL: the file system does not sync directories (nothing to wait for).
        SyncCount.add()
        guard fsync(fd) == 0 || errno == EINVAL else {
            throw .system(path: directory, operation: "fsync directory", errno: errno)
        }
    }

    /// Removes the temporary files of earlier writers of `path` that were
    /// killed before their rename (their pid no longer exists), so repeated
    /// crashes cannot litter the store.
    static func removeLeftovers(of path: String) {
        let directory = Directory.parentPath(of: path)
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
    /// appenders of short lines never interleave). `durable: false` leaves
    /// the line to the kernel's writeback (a power loss within seconds may
    /// take it).
    package static func appendLine(_ line: String, to path: String, durable: Bool = true) throws(StoreError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw .system(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        let bytes = Array((line.hasSuffix("\n") ? line : line + "\n").utf8)
        try writeAll(fd, bytes, path: path)
        guard durable else { return }
        SyncCount.add()
        guard fsync(fd) == 0 else { throw .system(path: path, operation: "fsync", errno: errno) }
    }
}
