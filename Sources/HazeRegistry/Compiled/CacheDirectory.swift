import Foundation

/// The registry cache's directory, opened once — never through a symlink —
/// and used only when it is haze's (it holds haze's `CACHEDIR.TAG`, or is
/// adopted when it holds nothing else but images), the user's own and
/// writable by no one else, on a path whose every directory only the user or
/// root may change (or is sticky, like `/tmp`) and whose every symlink is the
/// user's or root's: a directory another user controls or could swap, or a
/// system directory named by mistake (`HAZE_CACHE=/etc`), is never read or
/// written. Every file operation is relative to the opened directory.
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

    /// The directory when it exists, may be trusted and is haze's; nil otherwise.
    convenience init?(opening path: String) {
        guard case .success(let fd) = Self.openTrusted(path) else { return nil }
        self.init(path: path, fd: fd)
        guard hasTag else { return nil }
    }

    /// The directory, made when missing (mode 700; its parent too when
    /// `makingParent` — `~/.cache` — and that is missing), tagged as haze's,
    /// or why not.
    static func preparing(_ path: String, makingParent: Bool) -> Result<CacheDirectory, Refusal> {
        let opened: Result<Int32, Refusal>
        switch openTrusted(path) {
        case .failure(let refusal) where refusal.missing:
            let parent = (path as NSString).deletingLastPathComponent
            var info = stat()
            if makingParent && lstat(parent, &info) != 0 && errno == ENOENT {
                if let distrust = distrustOfPath((parent as NSString).deletingLastPathComponent) {
                    return .failure(Refusal(reason: distrust.reason))
                }
                guard mkdir(parent, 0o700) == 0 || errno == EEXIST else { return .failure(Refusal(reason: "\(parent): \(failure())")) }
            }
            if let distrust = distrustOfPath(parent) { return .failure(Refusal(reason: distrust.reason)) }
            guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
                return .failure(Refusal(reason: "\(path): \(failure()) (\(refusal.reason))"))
            }
            opened = openTrusted(path)
        case let other:
            opened = other
        }
        switch opened {
        case .failure(let refusal):
            return .failure(refusal)
        case .success(let fd):
            let directory = CacheDirectory(path: path, fd: fd)
            if let refusal = directory.claim() { return .failure(refusal) }
            return .success(directory)
        }
    }

    // MARK: The tag

    /// The Cache Directory Tagging Specification's file: backup tools skip the
    /// directory, and haze uses only a directory that has it.
    static let tagName = "CACHEDIR.TAG"
    static let tag = Array("Signature: 8a477f597d28d172789f06886806bc55\n# A cache directory of haze (compiled station registries); see haze's README.\n".utf8)

    /// Whether the directory holds haze's tag (the user's own regular file, its signature first).
    private var hasTag: Bool {
        guard let bytes = readOwnedRegularFile(Self.tagName, limit: 4096) else { return false }
        return bytes.starts(with: Self.tag.prefix(43))
    }

    /// Makes sure the directory is haze's: tagged already, or holding nothing
    /// but haze's images (then tagged); anything else is refused.
    private func claim() -> Refusal? {
        if hasTag { return nil }
        var foreign: String?
        forEachName { name in
            if foreign == nil && !(RegistryCache.isImageName(name) || RegistryCache.isDerivationName(name)
                                   || RegistryCache.isTemporaryName(name)) { foreign = name }
        }
        if let foreign {
            return Refusal(reason: "\(path) holds \(foreign) and no haze \(Self.tagName); it is not used as haze's cache")
        }
        if let failure = replace(Self.tagName, with: Self.tag) { return Refusal(reason: failure) }
        return nil
    }

    /// Opens `path` as a trusted cache directory; errno tells a missing one apart.
    private static func openTrusted(_ path: String) -> Result<Int32, Refusal> {
        guard path.hasPrefix("/") else { return .failure(Refusal(reason: "\(path) is not an absolute path")) }
        if let distrust = distrustOfPath((path as NSString).deletingLastPathComponent) {
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

    /// Why the directory holding the cache may not be trusted; nil when it
    /// may: it and every directory above it are the user's or root's and
    /// writable by no one else unless sticky, and every symlink on the way is
    /// the user's or root's (so no other user can point the path elsewhere).
    private static func distrustOfPath(_ directory: String) -> Refusal? {
        func trusted(_ path: String) -> Refusal? {
            var link = stat()
            guard lstat(path, &link) == 0 else { return Refusal(reason: "\(path): \(failure())", missing: errno == ENOENT) }
            if link.st_mode & S_IFMT == S_IFLNK, link.st_uid != geteuid(), link.st_uid != 0 {
                return Refusal(reason: "\(path) is a symlink of another user (uid \(link.st_uid)); the cache is not used through it")
            }
            var info = stat()
            guard stat(path, &info) == 0 else { return Refusal(reason: "\(path): \(failure())", missing: errno == ENOENT) }
            guard info.st_mode & S_IFMT == S_IFDIR else { return Refusal(reason: "\(path) is not a directory") }
            guard info.st_uid == geteuid() || info.st_uid == 0 else {
                return Refusal(reason: "\(path) belongs to another user (uid \(info.st_uid)); the cache is not used in it")
            }
            guard info.st_mode & 0o022 == 0 || info.st_mode & S_ISVTX != 0 else {
                return Refusal(reason: "\(path) may be changed by others; the cache is not used in it")
            }
            return nil
        }
        if let refusal = trusted("/") { return refusal }
        var prefix = ""
        for component in directory.split(separator: "/") where component != "." {
            prefix += "/" + component
            if let refusal = trusted(prefix) { return refusal }
        }
        return nil
    }

    private static func failure() -> String { String(cString: strerror(errno)) }

    // MARK: Files

    /// The bytes of a regular file of the user's that no one else may write,
    /// at most `limit` bytes; nil for anything else (a symlink, FIFO or device
    /// is never opened).
    func readOwnedRegularFile(_ name: String, limit: Int) -> [UInt8]? {
        guard let (file, size) = openOwnedRegularFile(name, limit: limit) else { return nil }
        defer { close(file) }
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

    /// The same file as `readOwnedRegularFile` accepts, mapped instead of read
    /// (see `MappedImage`); nil for anything else, or when it cannot be mapped.
    func mapOwnedRegularFile(_ name: String, limit: Int) -> MappedImage? {
        guard let (file, size) = openOwnedRegularFile(name, limit: limit) else { return nil }
        defer { close(file) }
        return MappedImage(fd: file, length: size)
    }

    /// A regular file of the user's that no one else may write, at most
    /// `limit` bytes, opened (never through a symlink, nor a FIFO or device),
    /// with its size; nil for anything else.
    private func openOwnedRegularFile(_ name: String, limit: Int) -> (fd: Int32, size: Int)? {
        func acceptable(_ info: stat) -> Bool {
            info.st_mode & S_IFMT == S_IFREG && info.st_uid == geteuid() && info.st_mode & 0o022 == 0
                && info.st_size >= 0 && info.st_size <= limit
        }
        var info = stat()
        guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0, acceptable(info) else { return nil }
        let file = openat(fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard file >= 0 else { return nil }
        guard fstat(file, &info) == 0, acceptable(info) else {
            close(file)
            return nil
        }
        return (file, Int(info.st_size))
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
    /// Removes the images beyond the `keeping` used or written last — and
    /// beyond `perGroup` of one group (`group` of the name: one registry
    /// directory's images by several builds) — and temporary files older than
    /// an hour (a killed writer's; one still being written is younger): only
    /// regular files of the user's with those names.
    func prune(keeping: Int, perGroup: Int, group: (String) -> Substring, isImage: (String) -> Bool, isTemporary: (String) -> Bool) {
        var images: [(name: String, used: Int)] = []
        let hourAgo = Int(time(nil)) - 3600
        forEachName { name in
            guard isImage(name) || isTemporary(name) else { return }
            var info = stat()
            guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0, info.st_mode & S_IFMT == S_IFREG,
                  info.st_uid == geteuid() else { return }
            if isTemporary(name) {
                if info.st_mtim.tv_sec < hourAgo { unlinkat(fd, name, 0) }
            } else {
                images.append((name, info.st_mtim.tv_sec * 1_000_000_000 + info.st_mtim.tv_nsec))
            }
        }
        var inGroup: [Substring: Int] = [:]
        var kept = 0
        for image in images.sorted(by: { $0.used > $1.used }) {
            let key = group(image.name)
            let n = inGroup[key, default: 0]
            if kept < keeping && n < perGroup {
                kept += 1
                inGroup[key] = n + 1
            } else {
                unlinkat(fd, image.name, 0)
            }
        }
    }

    /// Calls `body` with the name of every entry of the directory.
    private func forEachName(_ body: (String) -> Void) {
        let listing = dup(fd)
        guard listing >= 0, let folder = fdopendir(listing) else {
            if listing >= 0 { close(listing) }
            return
        }
        defer { closedir(folder) }
        rewinddir(folder)   // the duplicate shares its position with every earlier listing
        while let entry = readdir(folder) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { body(name) }
        }
    }
}
