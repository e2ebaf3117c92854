import HazeModel

/// What a command derives from a registry — `haze rank`'s units of a month —
/// kept in the registry cache beside its image, so that a later run with
/// exactly the same files, build and question takes it instead of loading
/// the registry and deriving it again (a province's town ranking: 25 000
/// stations decoded and 1 000 towns formed, half of its time).
///
/// An entry is taken under the image's conditions (`RegistryCache`): the
/// files' bytes compared byte for byte with the copy the entry holds, the
/// same build, the CRC-32 of its body, a trusted cache directory; and its
/// key — what was derived, with every parameter — compared byte for byte.
/// The body is the caller's encoding (e.g. `RankingUnitsImage`).
///
/// Layout: `HAZE-DRV`, the format (UInt32), the fingerprint with the files'
/// bytes (as an image records it), the key (UInt64 length, bytes), the
/// CRC-32 of the body (UInt32), the body.
package enum RegistryDerivation {
    static let magic = Array("HAZE-DRV".utf8)
    /// Bumped whenever the layout changes.
    static let format: UInt32 = 1

    /// A registry loaded with the fingerprint of the files it was loaded
    /// from: what a derivation of it is kept under.
    package struct Source: Sendable {
        package var registry: StationRegistry
        var files: RegistryFingerprint?
    }

    /// Loads the registry as `StationRegistry.load(directory:cache:imageLater: true)` does, keeping its files' fingerprint.
    package static func load(directory: String, cache: RegistryCache?) throws(RegistryError) -> Source {
        var use: RegistryCache.Use?
        var files: RegistryFingerprint?
        let registry = try StationRegistry.load(directory: directory, cache: cache, imageLater: true, use: &use, files: &files)
        return Source(registry: registry, files: files)
    }

    /// The body kept as derivation `key` of the registry in `directory` as its
    /// files are now, by this build; nil when there is none (no cache, a file
    /// that cannot be read, another build, other files, other key, damage).
    package static func cached(directory: String, cache: RegistryCache?, key: [UInt8]) -> [UInt8]? {
        guard let cache, let read = try? StationRegistry.readFiles(in: directory),
              let fingerprint = read.fingerprint(directory: directory, cache: cache) else { return nil }
        return cache.derivation(key: key, matching: fingerprint)
    }

    /// Keeps the derivation `key` of `source`'s registry, its body made by
    /// `body` and written once the command is done (`RegistryCache.writeDeferredImages`).
    package static func storeLater(key: [UInt8], of source: Source, in cache: RegistryCache?,
                                   body: @escaping @Sendable () -> [UInt8]) {
        guard let cache, let files = source.files else { return }
        cache.storeDerivationLater(key: key, fingerprint: files, body: body)
    }

    static func encode(key: [UInt8], body: [UInt8], fingerprint: RegistryFingerprint) -> [UInt8] {
        var out = magic
        withUnsafeBytes(of: format.littleEndian) { out.append(contentsOf: $0) }
        fingerprint.write(into: &out)
        withUnsafeBytes(of: UInt64(key.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: key)
        withUnsafeBytes(of: CRC32.checksum(body).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: body)
        return out
    }

    /// The body of an entry of this format for exactly `key` and `fingerprint`
    /// whose checksum holds; nil otherwise.
    static func body(of entry: UnsafeRawBufferPointer, key: [UInt8], fingerprint: RegistryFingerprint) -> [UInt8]? {
        guard entry.count >= 12, entry.prefix(8).elementsEqual(magic),
              UInt32(littleEndian: entry.loadUnaligned(fromByteOffset: 8, as: UInt32.self)) == format else { return nil }
        var offset = 12
        guard fingerprint.isRecorded(in: entry, at: &offset), entry.count - offset >= 8 else { return nil }
        let keyLength = UInt64(littleEndian: entry.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        offset += 8
        guard keyLength == UInt64(key.count), entry.count - offset >= key.count + 4,
              entry[offset ..< offset + key.count].elementsEqual(key) else { return nil }
        offset += key.count
        let crc = UInt32(littleEndian: entry.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        offset += 4
        let body = UnsafeRawBufferPointer(rebasing: entry[offset...])
        guard CRC32.checksum(body) == crc else { return nil }
        return Array(body)
    }
}
