import HazeModel

/// One registry CSV read whole: UTF-8 (with or without BOM), LF, CRLF or CR, a
/// header row, and `#` comment lines anywhere (a line whose first non-blank
/// character is `#`), which are skipped keeping line numbers.
struct RegistryTable: Sendable {
    struct Row: Sendable {
        var line: Int
        var fields: [String]

        func text(_ column: Int?) -> String {
            guard let column, column < fields.count else { return "" }
            return fields[column]
        }
    }

    let file: String
    /// Lowercased, trimmed column names.
    let header: [String]
    let rows: [Row]

    init(bytes original: [UInt8], file: String) throws(RegistryError) {
        self.file = file
        let bytes = Self.blankingComments(LineBreaks.normalized(original))
        var scanner = CSVScanner(bytes: bytes)
        var fields: [CSVField] = []
        func checkUTF8(_ line: Int, _ fields: [CSVField]) throws(RegistryError) {
            guard let first = fields.first, let last = fields.last else { return }
            let range = first.range.lowerBound ..< last.range.upperBound
            if !TextEncoding.isValidUTF8(bytes, range) {
                throw .notUTF8(file: file, line: line, looksLikeGBK: TextEncoding.looksLikeGBK(bytes, range))
            }
        }
        var header: [String]?
        var rows: [Row] = []
        while scanner.nextRecord(into: &fields) {
            if fields.count == 1 && fields[0].isEmpty { continue }  // blank or comment line
            try checkUTF8(scanner.lineNumber, fields)
            let values = fields.map { scanner.trimmedString($0) }
            if header == nil {
                header = values.map { $0.lowercased() }
            } else {
                rows.append(Row(line: scanner.lineNumber, fields: values))
            }
        }
        self.header = header ?? []
        self.rows = rows
    }

    /// The position of a column, or an error naming the file when a required one is missing.
    func column(_ name: String, required: Bool = true) throws(RegistryError) -> Int? {
        if let i = header.firstIndex(of: name) { return i }
        if required { throw .missingColumn(file: file, column: name) }
        return nil
    }

    /// The bytes with every comment line's content removed (its line break
    /// kept, so line numbers stay those of the file).
    static func blankingComments(_ bytes: [UInt8]) -> [UInt8] {
        let hash = UInt8(ascii: "#"), lf = UInt8(ascii: "\n"), quote = UInt8(ascii: "\"")
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        let start = TextEncoding.hasUTF8BOM(bytes) ? 3 : 0
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var lineStart = start
        var inQuotes = false
        while lineStart < bytes.count {
            var end = lineStart
            while end < bytes.count && bytes[end] != lf { end += 1 }
            var first = lineStart
            while first < end && (bytes[first] == space || bytes[first] == tab) { first += 1 }
            if inQuotes || first >= end || bytes[first] != hash {
                for k in lineStart ..< end where bytes[k] == quote { inQuotes.toggle() }
                out.append(contentsOf: bytes[lineStart ..< end])
            }
            if end < bytes.count { out.append(lf) }
            lineStart = end + 1
        }
        return out
    }
}
