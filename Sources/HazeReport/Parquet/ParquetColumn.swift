/// One column of a Parquet table being written: its schema and the values of
/// the current row group, PLAIN-encoded as they arrive (`parquet.thrift`'s
/// `Encoding.PLAIN`: little-endian numbers, a 4-byte length before each byte
/// array, booleans one bit each, least significant bit first). An optional
/// column records a definition level per row (1 value, 0 null); nulls take
/// no room among the values.
package struct ParquetColumn: Sendable {
    /// Physical types (`parquet.thrift` `Type`).
    package enum PhysicalType: Int32, Sendable {
        case boolean = 0, int32 = 1, int64 = 2, double = 5, byteArray = 6
    }

    /// Logical annotations this writer uses, with their `ConvertedType` for older readers.
    package enum Annotation: Sendable, Equatable {
        case none
        /// UTF-8 text (`LogicalType.STRING`, converted UTF8).
        case string
        /// Days since 1970-01-01 (`LogicalType.DATE`, converted DATE).
        case date
        /// Milliseconds since 1970-01-01T00:00Z (`LogicalType.TIMESTAMP`
        /// with isAdjustedToUTC and MILLIS, converted TIMESTAMP_MILLIS).
        case timestampMillisUTC
    }

    package let name: String
    package let type: PhysicalType
    package let annotation: Annotation
    package let optional: Bool

    /// Rows in the current row group (nulls included).
    package private(set) var rows = 0
    /// Non-null values in the current row group.
    package private(set) var values = 0
    private(set) var plain: [UInt8] = []
    private(set) var levels: [UInt8] = []
    private var bitCount = 0

    package init(_ name: String, _ type: PhysicalType, _ annotation: Annotation = .none, optional: Bool = false) {
        self.name = name
        self.type = type
        self.annotation = annotation
        self.optional = optional
    }

    // MARK: Appending (the caller appends the column's own type)

    package mutating func append(_ text: String?) {
        guard present(text != nil), let text else { return }
        // Straight from the string's bytes: a copy per row into an array of
        // its own was a quarter of a national export's time with its release.
        littleEndian(UInt32(text.utf8.count))
        plain.append(contentsOf: text.utf8)
    }

    package mutating func append(_ value: Int64?) {
        guard present(value != nil), let value else { return }
        littleEndian(value)
    }

    package mutating func append(_ value: Int32?) {
        guard present(value != nil), let value else { return }
        littleEndian(value)
    }

    package mutating func append(_ value: Double?) {
        guard present(value != nil), let value else { return }
        littleEndian(value.bitPattern)
    }

    package mutating func append(_ value: Bool?) {
        guard present(value != nil), let value else { return }
        if bitCount % 8 == 0 { plain.append(0) }
        if value { plain[plain.count - 1] |= 1 << UInt8(bitCount % 8) }
        bitCount += 1
    }

    /// Records a row; false for a null (refused in a required column by a precondition:
    /// the export decides nullability, never input).
    private mutating func present(_ isPresent: Bool) -> Bool {
        precondition(isPresent || optional, "null in required Parquet column \(name)")
        rows += 1
        if optional { levels.append(isPresent ? 1 : 0) }
        if isPresent { values += 1 }
        return isPresent
    }

    private mutating func littleEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { plain += $0 }
    }

    // MARK: The page

    /// The data page body before compression: the definition levels (optional
    /// columns: a 4-byte length, then the RLE/bit-packing hybrid with bit
    /// width 1, as runs) and the values.
    func pageBody() -> [UInt8] {
        guard optional else { return plain }
        var runs: [UInt8] = []
        var i = 0
        while i < levels.count {
            var j = i
            while j < levels.count && levels[j] == levels[i] { j += 1 }
            // An RLE run: varint(count << 1), then the level in one byte.
            var header = UInt64(j - i) << 1
            while header >= 0x80 {
                runs.append(UInt8(truncatingIfNeeded: header) | 0x80)
                header >>= 7
            }
            runs.append(UInt8(header))
            runs.append(levels[i])
            i = j
        }
        var body: [UInt8] = []
        body.reserveCapacity(4 + runs.count + plain.count)
        withUnsafeBytes(of: UInt32(runs.count).littleEndian) { body += $0 }
        return body + runs + plain
    }

    /// Empties the column for the next row group.
    mutating func reset() {
        rows = 0
        values = 0
        plain.removeAll(keepingCapacity: true)
        levels.removeAll(keepingCapacity: true)
        bitCount = 0
    }
}
