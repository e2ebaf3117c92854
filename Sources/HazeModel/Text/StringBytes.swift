extension String {
    /// Whether the two strings have the same UTF-8 bytes: `==` without Unicode
    /// normalisation (equal bytes are equal strings; the converse needs both in NFC).
    package func sameBytes(as other: String) -> Bool {
        var a = self, b = other
        return a.withUTF8 { x in b.withUTF8 { y in x.count == y.count && x.elementsEqual(y) } }
    }

    /// Whether the UTF-8 bytes order before `other`'s. For strings in NFC this
    /// is `<` (UTF-8 keeps code point order), without normalising either.
    package func precedesByBytes(_ other: String) -> Bool {
        var a = self, b = other
        return a.withUTF8 { x in b.withUTF8 { y in x.lexicographicallyPrecedes(y) } }
    }
}
