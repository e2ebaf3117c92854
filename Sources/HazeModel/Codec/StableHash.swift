/// FNV-1a, 64-bit: a hash that is the same in every run (Swift's `hashValue`
/// is seeded per process), for idempotency keys.
package enum StableHash {
    package static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    package static func hex(_ bytes: [UInt8]) -> String {
        let text = String(fnv1a(bytes), radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
