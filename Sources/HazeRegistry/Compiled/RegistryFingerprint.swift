import Glibc

/// What a loaded registry depends on: the directory as it was named (its
/// paths are in every message), every file read with its bytes, and the
/// program that loaded it (another build may load the same files
/// differently). An image is taken only when all of it is recorded in the
/// image exactly: the files' bytes themselves, never a digest of them (a
/// deliberate edit can keep a length, CRC-32 and Adler-32; found in review).
struct RegistryFingerprint: Sendable {
    /// One file read: its path inside the directory and its bytes.
    struct File: Sendable {
        var name: String
        var bytes: [UInt8]
    }

    var directory: String
    var loader: String
    var files: [File]

    /// The fingerprint as the image records it, before its checksummed body:
    /// each piece as a UInt64 length and its bytes (directory, loader, then
    /// the number of files and each one's name and contents).
    func write(into out: inout [UInt8]) {
        func piece<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
            withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { out.append(contentsOf: $0) }
            out.append(contentsOf: bytes)
        }
        piece(directory.utf8)
        piece(loader.utf8)
        withUnsafeBytes(of: UInt64(files.count).littleEndian) { out.append(contentsOf: $0) }
        for file in files {
            piece(file.name.utf8)
            piece(file.bytes)
        }
    }

    /// Whether `image` holds exactly this fingerprint from `offset` (then moved
    /// past it): every piece compared byte for byte, every length bounds-checked.
    func isRecorded(in image: UnsafeRawBufferPointer, at offset: inout Int) -> Bool {
        func length() -> Int? {
            guard image.count - offset >= 8 else { return nil }
            let value = UInt64(littleEndian: image.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
            guard value <= UInt64(image.count - offset) else { return nil }
            return Int(value)
        }
        func piece(_ expected: UnsafeRawBufferPointer) -> Bool {
            guard let count = length(), count == expected.count else { return false }
            defer { offset += count }
            guard count > 0, let base = image.baseAddress, let wanted = expected.baseAddress else { return true }
            return memcmp(base + offset, wanted, count) == 0
        }
        func piece(_ text: String) -> Bool {
            var text = text
            return text.withUTF8 { piece(UnsafeRawBufferPointer($0)) }
        }
        guard piece(directory), piece(loader), image.count - offset >= 8,
              UInt64(littleEndian: image.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) == UInt64(files.count)
        else { return false }
        offset += 8
        for file in files {
            guard piece(file.name), file.bytes.withUnsafeBytes({ piece($0) }) else { return false }
        }
        return true
    }
}
