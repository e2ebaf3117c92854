import Foundation

/// The registry cache's directory, opened once — never through a symlink —
/// and used only when it is the user's own, writable by no one else, in a
/// parent that only the user or root may change (or a sticky one such as
/// `/tmp`): a directory another user controls, or one they could swap, is
/// never read or written. Every file operation is relative to the opened
/// directory, so a path changed meanwhile cannot redirect it.
final class CacheDirectory {
    let path: String
    private let fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit { close(fd) }

    /// Why a cache directory is not used.
    struct Refusal: Error {
        var reason: String
        /// The directory (or its parent) does not exist: it may be made.
        var missing = false
    }

    /// The directory when it exists and may be trusted; nil otherwise.
    convenience init?(opening path: String) {
        guard case .success(let fd) = Self.openTrusted(path) else { return nil }
        self.init(path: path, fd: fd)
    }

    /// The directory, made when missing (mode 700; its parent too, when that
    /// is missing and the grandparent may be trusted), or why not.
    static func preparing(_ path: String) -> Result<CacheDirectory, Refusal> {
        switch openTrusted(path) {
        case .success(let fd):
            return .success(CacheDirectory(path: path, fd: fd))
        case .failure(let refusal) where refusal.missing:
            let parent = (path as NSString).deletingLastPathComponent
            var info = stat()
            if stat(parent, &info) != 0 && errno == ENOENT {
                if let distrust = distrustOfParent((parent as NSString).deletingLastPathComponent) {
                    return .failure(Refusal(reason: distrust.reason))
                }
                guard mkdir(parent, 0o700) == 0 || errno == EEXIST else { return .failure(Refusal(reason: "\(parent): \(failure())")) }
            }
            if let distrust = distrustOfParent(parent) { return .failure(Refusal(reason: distrust.reason)) }
            guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
                return .failure(Refusal(reason: "\(path): \(failure()) (\(refusal.reason))"))
            }
            return openTrusted(path).map { CacheDirectory(path: path, fd: $0) }
        case .failure(let refusal):
            return .failure(refusal)
        }
    }

    /// Opens `path` as a trusted cache directory; errno tells a missing one apart.
    private static func openTrusted(_ path: String) -> Result<Int32, Refusal> {
        guard path.hasPrefix("/") else { return .failure(Refusal(reason: "\(path) is not an absolute path")) }
        if let distrust = distrustOfParent((path as NSString).deletingLastPathComponent) {
            return .failure(distrust)
        }
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            let reason = code == ELOOP || code == ENOTDIR ? "\(path) is not a directory (a symlink is not followed)" : "\(path): \(failure())"
            return .failure(Refusal(reason: reason, missing: code == ENOENT))
        }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_uid == geteuid(), info.st_mode & 0o022 == 0 else {
            close(fd)
            return .failure(Refusal(reason: "\(path) is not the user's own or others may write it"))
        }
        return .success(fd)
    }

    /// Why a directory holding the cache may not be trusted; nil when it may:
    /// the user's or root's, and writable by no one else unless sticky.
    private static func distrustOfParent(_ parent: String) -> Refusal? {
        var info = stat()
        guard stat(parent, &info) == 0 else { return Refusal(reason: "\(parent): \(failure())", missing: errno == ENOENT) }
        guard info.st_mode & S_IFMT == S_IFDIR else { return Refusal(reason: "\(parent) is not a directory") }
        guard info.st_uid == geteuid() || info.st_uid == 0 else {
            return Refusal(reason: "\(parent) belongs to another user (uid \(info.st_uid)); the cache is not used in it")
        }
        guard info.st_mode & 0o022 == 0 || info.st_mode & S_ISVTX != 0 else {
            return Refusal(reason: "\(parent) may be changed by others; the cache is not used in it")
        }
        return nil
    }

    private static func failure() -> String { String(cString: strerror(errno)) }

    // MARK: Files

    /// The bytes of a regular file of the user's that no one else may write,
    /// at most `limit` bytes; nil for anything else (a symlink, FIFO or device
    /// is never opened).
    func readOwnedRegularFile(_ name: String, limit: Int) -> [UInt8]? {
        func acceptable(_ info: stat) -> Bool {
            info.st_mode & S_IFMT == S_IFREG && info.st_uid == geteuid() && info.st_mode & 0o022 == 0
                && info.st_size >= 0 && info.st_size <= limit
        }
        var info = stat()
        guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0, acceptable(info) else { return nil }
        let file = openat(fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard file >= 0 else { return nil }
        defer { close(file) }
        guard fstat(file, &info) == 0, acceptable(info) else { return nil }
        let size = Int(info.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        let complete: Bool = bytes.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return true }
            while filled < size {
                let n = read(file, base + filled, size - filled)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                filled += n
            }
            return true
        }
        return complete ? bytes : nil
    }

    /// Marks a file as just used (its modification time), so pruning keeps it.
    func markUsed(_ name: String) {
        _ = utimensat(fd, name, nil, AT_SYMLINK_NOFOLLOW)
    }

    /// Replaces the regular file `name` (or makes it) with `bytes`: written to
    /// a temporary file of its own, mode 600, renamed over it. Anything but a
    /// regular file at `name` is left alone. The reason when not written.
    func replace(_ name: String, with bytes: [UInt8]) -> String? {
        var existing = stat()
        if fstatat(fd, name, &existing, AT_SYMLINK_NOFOLLOW) == 0, existing.st_mode & S_IFMT != S_IFREG {
            return "\(path)/\(name) is not a regular file; it is left as it is"
        }
        let temporary = name + ".tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let file = openat(fd, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard file >= 0 else { return "\(path)/\(temporary): \(Self.failure())" }
        var written = 0
        let failure: String? = bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return nil }
            while written < buffer.count {
                let n = write(file, base + written, buffer.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return Self.failure()
                }
                written += n
            }
            return nil
        }
        close(file)
        if let failure {
            unlinkat(fd, temporary, 0)
            return "\(path)/\(temporary): \(failure)"
        }
        // A torn or stale image is never taken (checksum, fingerprint), so no sync:
        // after a crash the next run finds it wrong and loads from the files.
        guard renameat(fd, temporary, fd, name) == 0 else {
            let reason = Self.failure()
            unlinkat(fd, temporary, 0)
            return "\(path)/\(name): \(reason)"
        }
        return nil
    }

    /// Removes the images beyond the `keeping` used or written last, and
    /// temporary files older than an hour (a killed writer's; one still being
    /// written is younger): only regular files of the user's with those names.
    func prune(keeping: Int, isImage: (String) -> Bool, isTemporary: (String) -> Bool) {
        let listing = dup(fd)
        guard listing >= 0, let folder = fdopendir(listing) else {
            if listing >= 0 { close(listing) }
            return
        }
        defer { closedir(folder) }
        var images: [(name: String, used: Int)] = []
        let hourAgo = Int(time(nil)) - 3600
        while let entry = readdir(folder) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            guard isImage(name) || isTemporary(name) else { continue }
            var info = stat()
            guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0, info.st_mode & S_IFMT == S_IFREG,
                  info.st_uid == geteuid() else { continue }
            if isTemporary(name) {
                if info.st_mtim.tv_sec < hourAgo { unlinkat(fd, name, 0) }
            } else {
                images.append((name, info.st_mtim.tv_sec * 1_000_000_000 + info.st_mtim.tv_nsec))
            }
        }
        guard images.count > keeping else { return }
        for image in images.sorted(by: { $0.used > $1.used }).dropFirst(keeping) { unlinkat(fd, image.name, 0) }
    }
}
