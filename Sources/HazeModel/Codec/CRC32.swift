import CZlib

/// CRC-32 (ISO 3309, the gzip and zip checksum) through the system zlib.
package enum CRC32 {
    /// The CRC-32 of `bytes`, continuing from `seed` (0 to start).
    package static func checksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return seed }
        var crc = UInt(seed)
        var offset = 0
        // zlib takes a 32-bit length; feed large buffers in pieces.
        while offset < bytes.count {
            let length = min(bytes.count - offset, 1 << 30)
            crc = CZlib.crc32(crc, base.advanced(by: offset).assumingMemoryBound(to: UInt8.self), UInt32(length))
            offset += length
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    package static func checksum(_ bytes: [UInt8], seed: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, seed: seed) }
    }
}
