import Foundation
import HazeModel
import Synchronization

/// Where loaded registries are kept between runs (`$HAZE_CACHE`, else
/// `$XDG_CACHE_HOME/haze` or `~/.cache/haze`), so that a cron job or a
/// ranking does not parse and check the same CSV files every time.
///
/// An image is taken only when it is intact (its checksum), of this format,
/// made by this very build of haze (`LoaderIdentity`), and made from files
/// whose bytes are exactly those read now (the image keeps a copy of every
/// file and compares it byte for byte — a digest can be forged): any edit,
/// added or removed file, or new binary loads from the CSV again and
/// replaces the image. The cache directory is used only when it is the
/// user's own, a real directory (never a symlink) in a directory that no one
/// else may change; only its regular files owned by the user and writable by
/// no one else are read, and nothing but such a file is ever replaced. The
/// cache is never needed: when it cannot be read or written, the registry is
/// loaded from its files as without one.
public struct RegistryCache: Sendable {
    /// The cache directory (an absolute path).
    public let directory: String

    /// The largest image written (and read).
    var imageLimit = maximumImageSize

    /// Whether a missing parent is made too (`~/.cache` for `~/.cache/haze`).
    let makesParent: Bool

    /// A cache in `directory`, an absolute path (made, mode 700, when first
    /// written: the directory itself, and its parent only when `makesParent`).
    public init(directory: String, makesParent: Bool = false) {
        self.directory = directory
        self.makesParent = makesParent
    }

    /// The cache a process uses: `$HAZE_CACHE` when it is an absolute path
    /// (empty, `off`, `0`, `false`, `no`, `none` or a relative path: no cache —
    /// cron and systemd do not expand `~`, and a relative path would make a
    /// directory wherever a command runs), else `$XDG_CACHE_HOME/haze`, else
    /// `$HOME/.cache/haze` (absolute paths only, as XDG asks).
    public static func location(environment: [String: String]) -> RegistryCache? {
        if let given = environment["HAZE_CACHE"] {
            return given.hasPrefix("/") ? RegistryCache(directory: given) : nil
        }
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return RegistryCache(directory: (xdg as NSString).appendingPathComponent("haze"))
        }
        if let home = environment["HOME"], home.hasPrefix("/") {
            return RegistryCache(directory: (home as NSString).appendingPathComponent(".cache/haze"), makesParent: true)
        }
        return nil
    }

    /// What became of the cache in one load (for tests and benchmarks).
    enum Use: Equatable, Sendable {
        /// The image was intact and of the same files: taken.
        case taken
        /// Loaded from the files; the image written for the next run.
        case written
        /// Loaded from the files; the image to be written by `writeDeferredImages`.
        case deferred
        /// Loaded from the files; no image written (why).
        case notWritten(String)
    }

    /// The name of the image of a registry directory as loaded by this build:
    /// `registry-<directory's hash, 8 hex><build's hash, 8 hex>.bin`, one per
    /// directory (as named) and build, so two builds in turn keep their own
    /// images instead of replacing each other's.
    static func imageName(for registryDirectory: String, loader: String) -> String {
        let directoryHash = StableHash.hex(Array(registryDirectory.utf8)).prefix(8)
        let buildHash = StableHash.hex(Array(registryDirectory.utf8) + [0] + Array(loader.utf8)).prefix(8)
        return "registry-\(directoryHash)\(buildHash).bin"
    }

    /// The images of one registry directory (by any build): the first half of the hash.
    static func directoryGroup(of name: String) -> Substring { name.dropFirst(9).prefix(8) }

    /// Whether the cache directory lies inside `registryDirectory` (a cache
    /// named `stations/cache.csv` would make every later load read it as a
    /// registry file): such a cache is not used.
    func isInside(_ registryDirectory: String) -> Bool {
        var spellings = [(registryDirectory as NSString).standardizingPath]
        if let resolved = realpath(registryDirectory, nil) {
            spellings.append(String(cString: resolved))
            free(resolved)
        }
        let cache = (directory as NSString).standardizingPath
        return spellings.contains { $0 == cache || cache.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
    }

    /// The image file of a registry directory loaded by this build.
    func imagePath(for registryDirectory: String) -> String {
        (directory as NSString).appendingPathComponent(Self.imageName(for: registryDirectory, loader: LoaderIdentity.current ?? ""))
    }

    /// The registry of the image for `fingerprint`, when there is one that
    /// may be read and it matches (its time of use then refreshed); nil otherwise.
    func registry(matching fingerprint: RegistryFingerprint) -> StationRegistry? {
        guard let folder = CacheDirectory(opening: directory) else { return nil }
        let name = Self.imageName(for: fingerprint.directory, loader: fingerprint.loader)
        guard let image = folder.mapOwnedRegularFile(name, limit: imageLimit),
              let registry = withExtendedLifetime(image, { RegistryImage.decode(image.bytes, expecting: fingerprint) })
        else { return nil }
        folder.markUsed(name)
        return registry
    }

    /// Writes the image of `registry` (made from `fingerprint`'s files); the reason when it could not.
    func store(_ registry: StationRegistry, fingerprint: RegistryFingerprint) -> Use {
        // The image holds a copy of every file: larger than they are together.
        guard fingerprint.files.reduce(0, { $0 + $1.bytes.count }) < imageLimit else {
            return .notWritten("the registry's files are larger than any image read")
        }
        let folder: CacheDirectory
        switch folderWithRoom(keeping: Self.keptImages, perGroup: Self.keptPerDirectory, group: Self.directoryGroup,
                              isEntry: Self.isImageName) {
        case .success(let opened): folder = opened
        case .failure(let refusal): return .notWritten(refusal.reason)
        }
        let bytes = RegistryImage.encode(registry, fingerprint: fingerprint)
        guard bytes.count <= imageLimit else {
            return .notWritten("the image would be \(bytes.count) bytes, more than is ever read")
        }
        let name = Self.imageName(for: fingerprint.directory, loader: fingerprint.loader)
        if let refusal = folder.replace(name, with: bytes) { return .notWritten(refusal) }
        return .written
    }

    /// The cache folder, made if need be, with room for one more entry of
    /// the kind `isEntry` names: at most `kept` of them, `perGroup` of one
    /// group, the new one included. A killed writer's leftovers go even when
    /// the write that follows fails.
    private func folderWithRoom(keeping kept: Int, perGroup: Int, group: (String) -> Substring,
                                isEntry: (String) -> Bool) -> Result<CacheDirectory, CacheDirectory.Refusal> {
        CacheDirectory.preparing(directory, makingParent: makesParent).map { folder in
            folder.prune(keeping: kept - 1, perGroup: perGroup - 1, group: group, isImage: isEntry, isTemporary: Self.isTemporaryName)
            return folder
        }
    }

    // MARK: Derivations

    /// The name of derivation `key` of a registry directory as loaded by this
    /// build: `derived-<directory's hash, 8 hex><hash of the build and key, 8 hex>.bin`.
    static func derivationName(for registryDirectory: String, loader: String, key: [UInt8]) -> String {
        let directoryHash = StableHash.hex(Array(registryDirectory.utf8)).prefix(8)
        let keyHash = StableHash.hex(Array(registryDirectory.utf8) + [0] + Array(loader.utf8) + [0] + key).prefix(8)
        return "derived-\(directoryHash)\(keyHash).bin"
    }

    static func isDerivationName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count == 28, name.hasPrefix("derived-"), name.hasSuffix(".bin") else { return false }
        return bytes[8 ..< 24].allSatisfy { (48 ... 57).contains($0) || (97 ... 102).contains($0) }
    }

    /// The derivations of one registry directory (by any build): the first half of the hash.
    static func derivationGroup(of name: String) -> Substring { name.dropFirst(8).prefix(8) }

    /// How many derivations are kept (those used or written most recently), and how many of one registry directory.
    static let keptDerivations = 32
    static let keptDerivationsPerDirectory = 16

    /// The body of derivation `key` of exactly `fingerprint`'s files, when an
    /// entry that may be read matches (its time of use then refreshed); nil otherwise.
    func derivation(key: [UInt8], matching fingerprint: RegistryFingerprint) -> [UInt8]? {
        guard let folder = CacheDirectory(opening: directory) else { return nil }
        let name = Self.derivationName(for: fingerprint.directory, loader: fingerprint.loader, key: key)
        guard let entry = folder.mapOwnedRegularFile(name, limit: imageLimit),
              let body = withExtendedLifetime(entry, { RegistryDerivation.body(of: entry.bytes, key: key, fingerprint: fingerprint) })
        else { return nil }
        folder.markUsed(name)
        return body
    }

    /// Writes derivation `key` of `fingerprint`'s files; the reason when it could not.
    func storeDerivation(key: [UInt8], body: [UInt8], fingerprint: RegistryFingerprint) -> Use {
        guard fingerprint.files.reduce(0, { $0 + $1.bytes.count }) + body.count < imageLimit else {
            return .notWritten("the registry's files and the derivation are larger than any entry read")
        }
        let folder: CacheDirectory
        switch folderWithRoom(keeping: Self.keptDerivations, perGroup: Self.keptDerivationsPerDirectory, group: Self.derivationGroup,
                              isEntry: Self.isDerivationName) {
        case .success(let opened): folder = opened
        case .failure(let refusal): return .notWritten(refusal.reason)
        }
        let name = Self.derivationName(for: fingerprint.directory, loader: fingerprint.loader, key: key)
        if let refusal = folder.replace(name, with: RegistryDerivation.encode(key: key, body: body, fingerprint: fingerprint)) {
            return .notWritten(refusal)
        }
        return .written
    }

    /// Keeps derivation `key` to be written by `writeDeferredImages`, its body made then.
    func storeDerivationLater(key: [UInt8], fingerprint: RegistryFingerprint, body: @escaping @Sendable () -> [UInt8]) {
        Self.deferredDerivations.withLock { $0.append((self, key, fingerprint, body)) }
    }

    // MARK: Writing after the command

    /// Images whose writing waits for the end of the command.
    private static let deferred = Mutex<[(RegistryCache, StationRegistry, RegistryFingerprint)]>([])

    /// Derivations whose writing waits for the end of the command.
    private static let deferredDerivations = Mutex<[(RegistryCache, [UInt8], RegistryFingerprint, @Sendable () -> [UInt8])]>([])

    /// Keeps the image of `registry` to be written by `writeDeferredImages`.
    func storeLater(_ registry: StationRegistry, fingerprint: RegistryFingerprint) {
        Self.deferred.withLock { $0.append((self, registry, fingerprint)) }
    }

    /// Writes the images that loads with `imageLater` left, so
    /// that a first run answers as soon as one without the cache and the
    /// image costs only the time after it. Called once a command is done.
    public static func writeDeferredImages() {
        let pending = deferred.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
        for (cache, registry, fingerprint) in pending { _ = cache.store(registry, fingerprint: fingerprint) }
        let derivations = deferredDerivations.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
        for (cache, key, fingerprint, body) in derivations { _ = cache.storeDerivation(key: key, body: body(), fingerprint: fingerprint) }
    }

    // MARK: Names

    /// How many images are kept: those used or written most recently (a test
    /// run or a bureau's several registry copies and binaries leave more behind).
    static let keptImages = 16

    /// How many images of one registry directory are kept (by as many builds,
    /// e.g. the installed haze and a new one): a reinstalled or touched binary
    /// is a new build, and must not fill the disk with copies of one registry.
    static let keptPerDirectory = 2

    /// A writer's temporary file: an image's name, `.tmp-`, its process and a random number.
    static func isTemporaryName(_ name: String) -> Bool {
        guard let mark = name.range(of: ".tmp-") else { return false }
        let entry = String(name[..<mark.lowerBound])
        return isImageName(entry) || isDerivationName(entry)
    }

    static func isImageName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count == 29, name.hasPrefix("registry-"), name.hasSuffix(".bin") else { return false }
        return bytes[9 ..< 25].allSatisfy { (48 ... 57).contains($0) || (97 ... 102).contains($0) }
    }

    /// Larger than any registry image (a province's 25 000 stations make 8 MB);
    /// a larger one is neither written nor read.
    static let maximumImageSize = 1 << 30
}
