/// Writes RFC 4180 CSV, quoting only where needed, with formula injection
/// neutralised.
///
/// A spreadsheet treats a cell starting with `=`, `+`, `-`, `@`, a tab or a CR
/// as a formula (`=HYPERLINK(…)`, `@SUM(…)`), and haze's CSV is opened in
/// Excel by the people it is for. Such a cell is written with a leading `'`,
/// which spreadsheets show as text. Plain numbers (`-3.2`, `+5`) are left alone.
///
/// Two modes:
/// - `.report` (rankings, queries, the registry): the `'` is only added.
/// - `.reversible` (the quarantine, which is read back by programs as well as
///   by people): a cell that already starts with `'` gets one more, so
///   `CSVWriter.original(_:)` — drop one leading `'` — restores every value exactly.
public enum CSVWriter {
    /// How a cell that already starts with `'` is written (see the type's documentation).
    public enum Mode: Sendable {
        case report
        case reversible
    }

    /// One field, neutralised (see the type's documentation), then quoted if
    /// it holds a comma, quote, CR or LF.
    public static func escape(_ field: String, mode: Mode = .report) -> String {
        let cell = neutralised(field, mode: mode)
        guard cell.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
            return cell
        }
        var out = "\""
        for ch in cell {
            if ch == "\"" { out += "\"\"" } else { out.append(ch) }
        }
        return out + "\""
    }

    /// One record, terminated by LF.
    public static func line(_ fields: [String], mode: Mode = .report) -> String {
        var out = ""
        append(fields, to: &out, mode: mode)
        return out
    }

    /// Appends one record, terminated by LF, to `out` (a table's lines
    /// written into one string instead of a string per line and cell).
    public static func append(_ fields: [String], to out: inout String, mode: Mode = .report) {
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(",") }
            out.append(escape(field, mode: mode))
        }
        out.append("\n")
    }

    /// The cell as a spreadsheet must see it: `'` before a formula-leading cell.
    static func neutralised(_ cell: String, mode: Mode = .report) -> String {
        guard let first = cell.utf8.first else { return cell }
        if mode == .reversible && first == UInt8(ascii: "'") { return "'" + cell }
        return startsFormula(cell) ? "'" + cell : cell
    }

    /// The value written by `.reversible`: one leading `'` removed.
    package static func original(_ cell: String) -> String {
        cell.hasPrefix("'") ? String(cell.dropFirst()) : cell
    }

    /// True when a spreadsheet would read the cell as a formula: it starts
    /// (after any spaces) with `=`, `+`, `-`, `@`, a tab or a CR, and is not a
    /// plain number.
    static func startsFormula(_ cell: String) -> Bool {
        // The first byte decides for nearly every cell: no copy of the cell's bytes for them.
        var rest = cell.utf8[...]
        while rest.first == 0x20 { rest = rest.dropFirst() }
        guard let first = rest.first else { return false }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "@"), 0x09, 0x0D:
            return true
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            return !isPlainNumber(Array(rest)[...])
        default:
            return false
        }
    }

    /// `-3`, `+12.5`: a sign, digits, at most one decimal point with digits after it.
    private static func isPlainNumber(_ bytes: ArraySlice<UInt8>) -> Bool {
        var i = bytes.startIndex + 1
        var digits = 0
        while i < bytes.endIndex, (48...57).contains(bytes[i]) { i += 1; digits += 1 }
        guard digits > 0 else { return false }
        if i < bytes.endIndex && bytes[i] == UInt8(ascii: ".") {
            i += 1
            var fraction = 0
            while i < bytes.endIndex, (48...57).contains(bytes[i]) { i += 1; fraction += 1 }
            guard fraction > 0 else { return false }
        }
        return i == bytes.endIndex
    }
}
