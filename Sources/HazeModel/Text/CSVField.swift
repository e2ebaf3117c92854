/// One field of a CSV record: a byte range into the record's buffer.
public struct CSVField: Sendable, Equatable {
    /// Byte offsets of the field's content (without surrounding quotes).
    public var range: Range<Int>
    /// True when the field was quoted and contains doubled quotes (`""`).
    public var hasEscapedQuotes: Bool

    public var isEmpty: Bool { range.isEmpty }
}
