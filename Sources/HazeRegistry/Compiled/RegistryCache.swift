import Foundation
import HazeModel

/// Where loaded registries are kept between runs (`$HAZE_CACHE`, else
/// `$XDG_CACHE_HOME/haze` or `~/.cache/haze`), so that a cron job or a
/// ranking does not parse and check the same CSV files every time.
///
/// An image is taken only when it is intact (its checksum), of this format,
/// made by this very build of haze (`LoaderIdentity`), and made from files
/// whose bytes are exactly those read now (the image keeps a copy of every
/// file and compares it byte for byte — a digest can be forged): any
/// edit, added or removed file, or new binary loads from the CSV again and
/// replaces the image. Only a regular file owned by the user and writable by
/// no one else is read, and nothing but a regular file is ever replaced (a
/// symlink, FIFO or device where the image would go leaves the cache unused).
/// The cache is never needed: when it cannot be read or written, the
/// registry is loaded from its files as without one.
public struct RegistryCache: Sendable {
    /// The cache directory.
    public let directory: String

    /// A cache in `directory` (made, mode 700, when first written).
    public init(directory: String) {
        self.directory = directory
    }

    /// The cache a process uses: `$HAZE_CACHE` (a relative path is taken from
    /// `workingDirectory`; empty, `off`, `0`, `false`, `no` or `none`: no cache),
    /// else `$XDG_CACHE_HOME/haze`, else `$HOME/.cache/haze` (absolute paths only).
    public static func location(environment: [String: String], workingDirectory: String) -> RegistryCache? {
        if let given = environment["HAZE_CACHE"] {
            // Every usual way of saying "none" (a directory named `0` or `false` is never meant).
            if ["", "off", "0", "false", "no", "none"].contains(given.lowercased()) { return nil }
            return RegistryCache(directory: given.hasPrefix("/") ? given : (workingDirectory as NSString).appendingPathComponent(given))
        }
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return RegistryCache(directory: (xdg as NSString).appendingPathComponent("haze"))
        }
        if let home = environment["HOME"], home.hasPrefix("/") {
            return RegistryCache(directory: (home as NSString).appendingPathComponent(".cache/haze"))
        }
        return nil
    }

    /// What became of the cache in one load (for tests and benchmarks).
    enum Use: Equatable, Sendable {
        /// The image was intact and of the same files: taken.
        case taken
        /// Loaded from the files; the image written for the next run.
        case written
        /// Loaded from the files; no image written (why).
        case notWritten(String)
    }

    /// The image file of a registry directory: one per directory as named.
    func imagePath(for registryDirectory: String) -> String {
        (directory as NSString).appendingPathComponent("registry-\(StableHash.hex(Array(registryDirectory.utf8))).bin")
    }

    /// The registry of the image for `fingerprint`'s directory, when there is one
    /// that may be read and it matches; nil otherwise.
    func registry(matching fingerprint: RegistryFingerprint) -> StationRegistry? {
        guard let bytes = Self.readOwnedRegularFile(imagePath(for: fingerprint.directory)) else { return nil }
        return RegistryImage.decode(bytes, expecting: fingerprint)
    }

    /// Writes the image of `registry` (made from `fingerprint`'s files); the reason when it could not.
    func store(_ registry: StationRegistry, fingerprint: RegistryFingerprint) -> Use {
        if let refusal = Self.prepareDirectory(directory) { return .notWritten(refusal) }
        let path = imagePath(for: fingerprint.directory)
        var existing = stat()
        if lstat(path, &existing) == 0, existing.st_mode & S_IFMT != S_IFREG {
            return .notWritten("\(path) is not a regular file; it is left as it is")
        }
        let bytes = RegistryImage.encode(registry, fingerprint: fingerprint)
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return .notWritten("\(temporary): \(String(cString: strerror(errno)))") }
        var written = 0
        let failure: String? = bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return nil }
            while written < buffer.count {
                let n = Glibc.write(fd, base + written, buffer.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return String(cString: strerror(errno))
                }
                written += n
            }
            return nil
        }
        close(fd)
        if let failure {
            unlink(temporary)
            return .notWritten("\(temporary): \(failure)")
        }
        // A torn or stale image is never taken (checksum, fingerprint), so no sync:
        // after a crash the next run finds it wrong and loads from the files.
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            return .notWritten("\(path): \(reason)")
        }
        prune()
        return .written
    }

    /// How many images are kept: those of the most recently written registries
    /// (a test run or a bureau's several registry copies leave more behind).
    static let keptImages = 16

    /// Removes the images beyond `keptImages`, oldest first, and temporary files
    /// older than an hour: only regular files of the user's named like an image
    /// (`registry-<16 hex digits>.bin`) or a writer's temporary one.
    private func prune() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        var images: [(path: String, written: Int)] = []
        let hourAgo = Int(time(nil)) - 3600
        for name in names where Self.isImageName(name) || Self.isTemporaryName(name) {
            let path = (directory as NSString).appendingPathComponent(name)
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_uid == geteuid() else { continue }
            if Self.isTemporaryName(name) {
                // A writer killed before its rename left it; one still writing is younger than an hour.
                if info.st_mtim.tv_sec < hourAgo { unlink(path) }
                continue
            }
            images.append((path, info.st_mtim.tv_sec * 1_000_000_000 + info.st_mtim.tv_nsec))
        }
        guard images.count > Self.keptImages else { return }
        for image in images.sorted(by: { $0.written > $1.written }).dropFirst(Self.keptImages) { unlink(image.path) }
    }

    /// A writer's temporary file: an image's name, `.tmp-`, its process and a random number.
    static func isTemporaryName(_ name: String) -> Bool {
        guard let mark = name.range(of: ".tmp-") else { return false }
        return isImageName(String(name[..<mark.lowerBound]))
    }

    static func isImageName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count == 29, name.hasPrefix("registry-"), name.hasSuffix(".bin") else { return false }
        return bytes[9 ..< 25].allSatisfy { (48 ... 57).contains($0) || (97 ... 102).contains($0) }
    }

    /// The cache directory ready for writing (made with mode 700 when missing);
    /// why not, when it is not a directory of the user's that only they may write.
    private static func prepareDirectory(_ directory: String) -> String? {
        var info = stat()
        if stat(directory, &info) != 0 {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                return "\(directory): cannot be made (\(error.localizedDescription))"
            }
            guard stat(directory, &info) == 0 else { return "\(directory): \(String(cString: strerror(errno)))" }
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { return "\(directory) is not a directory" }
        guard info.st_uid == geteuid(), info.st_mode & 0o022 == 0 else {
            return "\(directory) is not the user's own or others may write it"
        }
        return nil
    }

    /// The bytes of a regular file owned by this user and writable by no one else
    /// (an image others could have written is not taken); nil for anything else.
    private static func readOwnedRegularFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_uid == geteuid(),
              info.st_mode & 0o022 == 0, info.st_size >= 0, info.st_size <= maximumImageSize else { return nil }
        let size = Int(info.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        let complete: Bool = bytes.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return true }
            while filled < size {
                let n = read(fd, base + filled, size - filled)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                filled += n
            }
            return true
        }
        return complete ? bytes : nil
    }

    /// Larger than any registry image (a province's 25 000 stations make a few MB).
    static let maximumImageSize = 1 << 30
}
