/// A name hashed and compared by its UTF-8 bytes. Swift's `String` hashes
/// and compares a non-ASCII name through Unicode normalisation (NFC) every
/// time — most of what looking up a Chinese city name cost. Bytes give the
/// same answer as `String` equality when both names are in NFC, which
/// `isPlainlyNFC` establishes cheaply for the names registries hold.
struct NameKey: Hashable, Sendable {
    let name: String

    init(_ name: String) { self.name = name }

    func hash(into hasher: inout Hasher) {
        var name = name
        name.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    static func == (a: NameKey, b: NameKey) -> Bool { a.name.sameBytes(as: b.name) }

    /// `a < b` as `String` orders them, by bytes when both are plainly in NFC
    /// (where the two orders agree) instead of normalising both for every comparison.
    static func inOrder(_ a: String, _ b: String) -> Bool {
        isPlainlyNFC(a) && isPlainlyNFC(b) ? a.precedesByBytes(b) : a < b
    }

    /// Whether every character is one NFC leaves as it is and never combines
    /// with a neighbour: ASCII, CJK unified ideographs (with extension A),
    /// CJK punctuation (without its combining tone marks U+302A–U+302F) and
    /// the fullwidth forms (their decompositions are compatibility ones, which
    /// NFC does not apply). Such a name is in NFC. False says nothing: the
    /// name may still be in NFC (U+00B7 middle dot, Latin with accents).
    static func isPlainlyNFC(_ name: String) -> Bool {
        for scalar in name.unicodeScalars {
            switch scalar.value {
            case 0 ..< 0x80, 0x3000 ... 0x3029, 0x3030 ... 0x303F, 0x3400 ... 0x4DBF, 0x4E00 ... 0x9FFF, 0xFF00 ... 0xFFEF:
                continue
            default:
                return false
            }
        }
        return true
    }
}
