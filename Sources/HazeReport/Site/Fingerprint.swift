import HazeModel

/// A 64-bit FNV-1a hash built from the inputs of a page (values, names,
/// options), to tell whether a page must be made again. Not a security
/// measure: a page's bytes are compared by their own hash before writing.
struct Fingerprint {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            state ^= UInt64(byte)
            state = state &* 0x0000_0100_0000_01B3
        }
    }

    mutating func add(_ value: Int) {
        var v = UInt64(bitPattern: Int64(value))
        for _ in 0 ..< 8 {
            add(CollectionOfOne(UInt8(v & 0xFF)))
            v >>= 8
        }
    }

    /// A string and its length (so "ab","c" and "a","bc" differ).
    mutating func add(_ text: String) {
        add(text.utf8.count)
        add(text.utf8)
    }

    var hex: String {
        let text = String(state, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }

    static func of(_ bytes: [UInt8]) -> String {
        var f = Fingerprint()
        f.add(bytes)
        return f.hex
    }
}
