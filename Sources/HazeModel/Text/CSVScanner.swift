import Foundation

/// A byte-level CSV scanner over an in-memory buffer (RFC 4180 with CRLF or
/// LF; lines ending with CR alone are read as LF lines, see `LineBreaks`).
///
/// It hands out byte ranges rather than strings so the ingest hot path never
/// allocates per cell; only fields a caller asks for become `String`s.
package struct CSVScanner {
    package let bytes: [UInt8]
    /// Offset of the next unread byte.
    package private(set) var position: Int
    /// 1-based physical line number of the record most recently read.
    package private(set) var lineNumber: Int = 0
    private var nextLine: Int = 1

    static let comma = UInt8(ascii: ",")
    static let quote = UInt8(ascii: "\"")
    static let lf = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")

    /// Starts after a UTF-8 byte-order mark if there is one. Lines ending
    /// with CR alone are read as lines (`LineBreaks.normalized`: positions stay
    /// those of `bytes`).
    package init(bytes: [UInt8]) {
        self.bytes = LineBreaks.normalized(bytes)
        self.position = TextEncoding.hasUTF8BOM(bytes) ? 3 : 0
    }


    /// The bytes of the record just read ended without a line break
    /// (the last line of a file, possibly truncated).
    package private(set) var lastRecordHadNoTerminator = false

    /// The last `nextRecordPrefix` read its record to the end (a line break or
    /// the end of the input came before its `limit`-th comma): the rest of
    /// the record has no fields. False when it stopped at a comma, after
    /// which at least one field follows — an empty one when the line breaks
    /// right there, with LF and CR LF alike (found in review: `PM2.5,` then
    /// LF counted no field where CR LF counted one).
    private var prefixEndedRecord = false

    /// Reads the next record's fields into `fields` (cleared first).
    /// Returns false at end of input. Blank lines yield one empty field.
    package mutating func nextRecord(into fields: inout [CSVField]) -> Bool {
        fields.removeAll(keepingCapacity: true)
        guard position < bytes.count else { return false }
        lineNumber = nextLine
        let count = bytes.count
        return bytes.withUnsafeBufferPointer { buf -> Bool in
            var i = position
            var fieldStart = i
            var terminated = false
            while i < count {
                let b = buf[i]
                if b == Self.quote && i == fieldStart {
                    // Quoted field: runs to the matching quote; "" is an escaped quote.
                    var j = i + 1
                    var escaped = false
                    while j < count {
                        if buf[j] == Self.quote {
                            if j + 1 < count && buf[j + 1] == Self.quote { escaped = true; j += 2; continue }
                            break
                        }
                        if buf[j] == Self.lf { nextLine += 1 }
                        j += 1
                    }
                    fields.append(CSVField(range: (i + 1) ..< min(j, count), hasEscapedQuotes: escaped))
                    i = j + 1
                    // Skip anything between the closing quote and the delimiter.
                    while i < count && buf[i] != Self.comma && buf[i] != Self.lf { i += 1 }
                    if i < count && buf[i] == Self.comma {
                        i += 1
                        fieldStart = i
                        if i >= count { fields.append(CSVField(range: i ..< i, hasEscapedQuotes: false)) }
                        continue
                    }
                    if i < count && buf[i] == Self.lf { i += 1; terminated = true }
                    fieldStart = -1
                    break
                }
                if b == Self.comma {
                    fields.append(CSVField(range: fieldStart ..< i, hasEscapedQuotes: false))
                    i += 1
                    fieldStart = i
                    continue
                }
                if b == Self.lf {
                    var end = i
                    if end > fieldStart && buf[end - 1] == Self.cr { end -= 1 }
                    fields.append(CSVField(range: fieldStart ..< end, hasEscapedQuotes: false))
                    i += 1
                    terminated = true
                    fieldStart = -1
                    break
                }
                i += 1
            }
            if fieldStart >= 0 && !terminated {
                var end = i
                if end > fieldStart && buf[end - 1] == Self.cr { end -= 1 }
                fields.append(CSVField(range: fieldStart ..< end, hasEscapedQuotes: false))
            }
            lastRecordHadNoTerminator = !terminated
            nextLine += 1
            position = i
            return true
        }
    }

    /// Reads only the first `limit` fields of the next record, leaving the scanner
    /// positioned after them so the caller can either continue with
    /// `nextRecordRemainder` or skip with `skipRestOfRecord`. Unquoted fields only;
    /// used for the leading `date,hour,type` columns of the wide format.
    package mutating func nextRecordPrefix(fields: inout [CSVField], limit: Int) -> Bool {
        fields.removeAll(keepingCapacity: true)
        guard position < bytes.count else { return false }
        lineNumber = nextLine
        let count = bytes.count
        return bytes.withUnsafeBufferPointer { buf -> Bool in
            var i = position
            var start = i
            prefixEndedRecord = false
            while i < count && fields.count < limit {
                let b = buf[i]
                if b == Self.comma || b == Self.lf {
                    var end = i
                    if b == Self.lf && end > start && buf[end - 1] == Self.cr { end -= 1 }
                    fields.append(CSVField(range: start ..< end, hasEscapedQuotes: false))
                    if b == Self.lf {
                        position = i  // leave the newline for skipRestOfRecord
                        prefixEndedRecord = true
                        return true
                    }
                    start = i + 1
                }
                i += 1
            }
            if fields.count < limit && i >= count {
                var end = i
                if end > start && buf[end - 1] == Self.cr { end -= 1 }
                fields.append(CSVField(range: start ..< end, hasEscapedQuotes: false))
                prefixEndedRecord = true
            }
            position = i
            return true
        }
    }

    /// Skips to the start of the next record (one physical line).
    package mutating func skipRestOfRecord() {
        let count = bytes.count
        bytes.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress, position < count else {
                lastRecordHadNoTerminator = true
                position = count
                return
            }
            if let hit = memchr(base + position, Int32(Self.lf), count - position) {
                position = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base + 1
                lastRecordHadNoTerminator = false
            } else {
                position = count
                lastRecordHadNoTerminator = true
            }
        }
        nextLine += 1
    }

    /// Reads the rest of the current record's unquoted fields after a prefix read.
    package mutating func nextRecordRemainder(into fields: inout [CSVField]) {
        let count = bytes.count
        bytes.withUnsafeBufferPointer { buf in
            var i = position
            var start = i
            var terminated = false
            if prefixEndedRecord {
                // The prefix read the whole record: no fields follow.
                let atBreak = i < count && buf[i] == Self.lf
                if atBreak { position = i + 1 }
                lastRecordHadNoTerminator = !atBreak
                nextLine += 1
                return
            }
            while i < count {
                let b = buf[i]
                if b == Self.comma {
                    fields.append(CSVField(range: start ..< i, hasEscapedQuotes: false))
                    start = i + 1
                } else if b == Self.lf {
                    var end = i
                    if end > start && buf[end - 1] == Self.cr { end -= 1 }
                    fields.append(CSVField(range: start ..< end, hasEscapedQuotes: false))
                    i += 1
                    terminated = true
                    break
                }
                i += 1
            }
            if !terminated {
                var end = i
                if end > start && buf[end - 1] == Self.cr { end -= 1 }
                fields.append(CSVField(range: start ..< end, hasEscapedQuotes: false))
            }
            lastRecordHadNoTerminator = !terminated
            position = i
            nextLine += 1
        }
    }

    /// After `nextRecordPrefix`: hands the rest of the current record to
    /// `body` as bytes `start ..< end` of `base` — up to its line break, a CR
    /// just before it excluded; `base[end]` is that CR or LF, so a loop that
    /// stops at anything but the bytes it accepts needs no bounds check.
    /// When `body` returns true (it used the whole rest), the scanner moves
    /// past the line break exactly as `nextRecordRemainder` would; when it
    /// returns false nothing moves, and the caller reads the record with
    /// `nextRecordRemainder`. Not called (false) when the record has no line
    /// break (the end of the input) or the prefix took the whole record. A
    /// prefix that ended at a comma just before the line break hands over an
    /// empty rest (`start == end`): one empty field.
    package mutating func takeRemainder(_ body: (_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool) -> Bool {
        let count = bytes.count
        let from = position
        guard from < count, !prefixEndedRecord else { return false }
        let lineBreak: Int? = bytes.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress, let hit = memchr(base + from, Int32(Self.lf), count - from) else { return nil }
            return UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
        }
        guard let lf = lineBreak else { return false }
        let used = bytes.withUnsafeBufferPointer { buf in
            let end = lf > from && buf[lf - 1] == Self.cr ? lf - 1 : lf
            return body(buf.baseAddress!, from, end)
        }
        guard used else { return false }
        position = lf + 1
        lastRecordHadNoTerminator = false
        nextLine += 1
        return true
    }

    /// The field's text (quotes unescaped, surrounding spaces kept).
    package func string(_ field: CSVField) -> String {
        let text = String(decoding: bytes[field.range], as: UTF8.self)
        return field.hasEscapedQuotes ? text.replacingOccurrences(of: "\"\"", with: "\"") : text
    }

    /// The field's text with surrounding ASCII whitespace removed.
    package func trimmedString(_ field: CSVField) -> String {
        if field.hasEscapedQuotes { return string(field).trimmingASCIIWhitespace() }
        // Trimmed as bytes, one string made: an ASCII space is never part of a
        // multi-byte character, so this is the decoded text trimmed.
        var lower = field.range.lowerBound, upper = field.range.upperBound
        while lower < upper && isASCIIWhitespace(bytes[lower]) { lower += 1 }
        while upper > lower && isASCIIWhitespace(bytes[upper - 1]) { upper -= 1 }
        return String(decoding: bytes[lower ..< upper], as: UTF8.self)
    }

    /// True when the field's bytes are exactly `literal`.
    package func field(_ field: CSVField, equals literal: StaticString) -> Bool {
        guard field.range.count == literal.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        var k = 0
        for i in field.range {
            if bytes[i] != expected[k] { return false }
            k += 1
        }
        return true
    }
}


extension String {
    /// Removes leading and trailing spaces, tabs, CR and LF.
    func trimmingASCIIWhitespace() -> String {
        let utf8 = self.utf8
        var start = utf8.startIndex
        var end = utf8.endIndex
        while start < end && isASCIIWhitespace(utf8[start]) { start = utf8.index(after: start) }
        while end > start && isASCIIWhitespace(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        return String(self[start..<end])
    }
}

/// A space, tab, CR or LF: what CSV cells are trimmed of.
@inline(__always) private func isASCIIWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
