#if canImport(Glibc)
import Glibc
#endif

/// The single-writer lock: `flock(LOCK_EX)` on `<store>/lock`.
///
/// The kernel drops a `flock` when its process dies, so a killed ingest never
/// leaves a stale lock behind; the file itself is only a name to lock on.
package final class StoreLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock, failing at once if another process holds it, or waiting
    /// up to `timeoutSeconds` when given.
    package init(directory: String, timeoutSeconds: Double? = nil) throws(StoreError) {
        let path = directory + "/lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .system(path: path, operation: "open lock file", errno: errno) }
        var waited = 0.0
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else {
                close(fd)
                throw .system(path: path, operation: "flock", errno: code)
            }
            guard let timeoutSeconds, waited < timeoutSeconds else {
                close(fd)
                throw .locked(directory: directory)
            }
            usleep(50_000)
            waited += 0.05
        }
        self.descriptor = fd
    }

    /// Whether some process holds the lock now, asked without waiting for it
    /// or keeping it: a shared lock taken and dropped at once, which cannot be
    /// taken while a writer holds its exclusive one. The kernel drops a killed
    /// writer's lock, so this tells a live writer from a dead one whose pid
    /// still answers (a zombie, a reused pid). Nil when it cannot be told
    /// (the lock file cannot be opened).
    package static func isHeld(directory: String) -> Bool? {
        let fd = open(directory + "/lock", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return errno == ENOENT ? false : nil }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK ? true : nil
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
