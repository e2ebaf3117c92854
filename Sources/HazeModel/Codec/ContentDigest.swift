import CZlib

/// What identifies a file's contents for a cache: its length, CRC-32 and
/// Adler-32 (both zlib's, both fast). Two different contents with the same
/// 64 bits and length do not happen by accident; a cache keyed by it is
/// never keyed by a name or a modification time, which a copy or a checkout
/// can keep while the contents change.
package struct ContentDigest: Hashable, Sendable {
    package var length: UInt64
    package var crc32: UInt32
    package var adler32: UInt32

    package init(length: UInt64, crc32: UInt32, adler32: UInt32) {
        self.length = length
        self.crc32 = crc32
        self.adler32 = adler32
    }

    /// The digest of `bytes`.
    package init(of bytes: [UInt8]) {
        var crc: UInt = 0
        var adler: UInt = CZlib.adler32(0, nil, 0)
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            // zlib takes a 32-bit length; large buffers go in pieces.
            while offset < buffer.count {
                let length = min(buffer.count - offset, 1 << 30)
                crc = CZlib.crc32(crc, base + offset, UInt32(length))
                adler = CZlib.adler32(adler, base + offset, UInt32(length))
                offset += length
            }
        }
        self.init(length: UInt64(bytes.count), crc32: UInt32(truncatingIfNeeded: crc),
                  adler32: UInt32(truncatingIfNeeded: adler))
    }
}
