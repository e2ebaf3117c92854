import Foundation

/// The one writer behind every `--out FILE` (the CLI's and haze-bench's):
/// it never replaces what it does not own.
///
/// - a regular file (or a new one) is replaced atomically: a temporary file in
///   the same directory, `fsync`, `rename`, `fsync` of the directory; the
///   target's mode (and owner, where permitted) is kept, a new file gets
///   0666 less the umask, as a shell redirect would;
/// - a symbolic link is followed: the file it points to is written (atomically
///   when that is a regular file or does not exist yet); the link stays;
/// - a character device (`/dev/null`, a terminal) or a FIFO is written
///   through, never replaced or truncated; so is what `/dev/stdout`
///   (`/proc/self/fd/N`) is open on, and anything under `/dev/`;
/// - a directory, a socket or a block device is refused with a message.
public enum OutputFile {
    /// What was done with the target.
    public enum Outcome: Sendable, Equatable {
        /// A regular file written by temporary file and rename.
        case replaced(path: String)
        /// A device or FIFO written through.
        case wroteThrough(path: String)
    }

    /// Why a target was not written: refused for what it is, or a system call failed (with its errno).
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case refused(path: String, reason: String)
        case system(path: String, operation: String, errno: Int32)

        public var description: String {
            switch self {
            case .refused(let path, let reason): "\(path): \(reason); not written"
            case .system(let path, let operation, let code): "\(path): \(operation) failed: \(String(cString: strerror(code)))"
            }
        }
    }

    /// Writes `bytes` to `path` by the rules above. Throws `Failure` when the
    /// target is refused or a system call fails; a regular file then keeps its old content.
    @discardableResult
    public static func write(_ bytes: [UInt8], to path: String) throws(Failure) -> Outcome {
        let target = try resolve(path)
        var info = stat()
        if target.hasPrefix("/dev/") && lstat(target, &info) == 0 && info.st_mode & S_IFMT == S_IFREG {
            // Something under /dev that is a regular file (a /dev/null replaced by
            // an older tool) is still not ours to replace: written through.
            return try writeThrough(target, bytes, truncate: true)
        }
        if lstat(target, &info) != 0 {
            guard errno == ENOENT else { throw .system(path: target, operation: "stat", errno: errno) }
            return try replace(target, with: bytes, keeping: nil)
        }
        if info.st_mode & S_IFMT == S_IFLNK {
            // A /proc magic link (`/dev/stdout` → /proc/self/fd/1): it names an
            // open file, not a path; write through what it is open on.
            guard stat(target, &info) == 0 else { throw .system(path: target, operation: "stat", errno: errno) }
            switch info.st_mode & S_IFMT {
            case S_IFREG, S_IFCHR, S_IFIFO: return try writeThrough(target, bytes, truncate: info.st_mode & S_IFMT == S_IFREG)
            default: throw .refused(path: path, reason: "names an open socket or directory")
            }
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            return try replace(target, with: bytes, keeping: info)
        case S_IFCHR, S_IFIFO:
            return try writeThrough(target, bytes, truncate: false)
        case S_IFDIR:
            throw .refused(path: path, reason: "is a directory; give a file name")
        case S_IFBLK:
            throw .refused(path: path, reason: "is a block device (a disk); refusing to write a report over it")
        case S_IFSOCK:
            throw .refused(path: path, reason: "is a socket")
        default:
            throw .refused(path: path, reason: "is a special file of an unknown kind")
        }
    }

    /// Follows symbolic links (at most 40) to the path that is finally written;
    /// a link to a missing file resolves to that file, to be created.
    static func resolve(_ path: String) throws(Failure) -> String {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0, info.st_mode & S_IFMT == S_IFLNK, !current.hasPrefix("/proc/") else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, buffer.count - 1)
            guard n >= 0 else { throw .system(path: current, operation: "readlink", errno: errno) }
            let destination = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = destination.hasPrefix("/")
                ? destination
                : ((current as NSString).deletingLastPathComponent as NSString).appendingPathComponent(destination)
        }
        throw .refused(path: path, reason: "has too many levels of symbolic links")
    }

    private static func writeThrough(_ path: String, _ bytes: [UInt8], truncate: Bool) throws(Failure) -> Outcome {
        let fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | (truncate ? O_TRUNC : 0))
        guard fd >= 0 else { throw .system(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        try writeAll(fd, bytes, path: path)
        return .wroteThrough(path: path)
    }

    private static func replace(_ path: String, with bytes: [UInt8], keeping existing: stat?) throws(Failure) -> Outcome {
        let ns = path as NSString
        let directory = ns.deletingLastPathComponent.isEmpty ? "." : ns.deletingLastPathComponent
        let temporary = (directory as NSString).appendingPathComponent(".\(ns.lastPathComponent).haze-\(getpid()).tmp")
        // O_EXCL: never through a link someone left at the temporary name
        // (one left by an earlier, killed run with this pid is removed first).
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw .system(path: temporary, operation: "create", errno: errno) }
        var closed = false
        defer { if !closed { close(fd); unlink(temporary) } }
        if let existing {
            _ = fchown(fd, existing.st_uid, existing.st_gid)  // kept where permitted
            guard fchmod(fd, existing.st_mode & 0o7777) == 0 else { throw .system(path: temporary, operation: "chmod", errno: errno) }
        }
        try writeAll(fd, bytes, path: temporary)
        guard fsync(fd) == 0 else { throw .system(path: temporary, operation: "fsync", errno: errno) }
        closed = true
        close(fd)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw .system(path: path, operation: "rename", errno: code)
        }
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
        return .replaced(path: path)
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(Failure) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .system(path: path, operation: "write", errno: errno)
            }
            written += n
        }
    }
}
