/// One field of a CSV record: a byte range into the record's buffer.
package struct CSVField: Sendable, Equatable {
    /// Byte offsets of the field's content (without surrounding quotes).
    package var range: Range<Int>
    /// True when the field was quoted and contains doubled quotes (`""`).
    var hasEscapedQuotes: Bool

    package var isEmpty: Bool { range.isEmpty }
}
