import HazeModel

/// One cell of a worksheet: a number is written as a number (so Excel sums
/// and sorts it), text as a shared string (never a formula, whatever it
/// starts with).
package enum SpreadsheetCell: Sendable, Equatable {
    case empty
    case text(String)
    /// A whole number, shown without decimals.
    case integer(Int)
    /// A decimal number shown with `decimals` places (nil: Excel's General format).
    case number(Double, decimals: Int?)

    /// The cell for a report's text: a plain decimal number (`52`, `-3.2`,
    /// `0.00`) becomes a number shown with the same count of decimals, an
    /// empty string an empty cell, anything else text.
    static func inferred(_ text: String) -> SpreadsheetCell {
        guard !text.isEmpty else { return .empty }
        guard let decimals = Self.decimals(ofPlainNumber: text) else { return .text(text) }
        if decimals == 0, let whole = Int(text) { return .integer(whole) }
        guard let value = Double(text), value.isFinite else { return .text(text) }
        return .number(value, decimals: decimals)
    }

    /// `-?digits(.digits)?` with at most 15 significant digits (so a double
    /// holds it exactly as written): the count of decimals; nil otherwise.
    static func decimals(ofPlainNumber text: String) -> Int? {
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        var digits = 0, decimals = 0, seenPoint = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard !seenPoint else { return nil }
                seenPoint = true
            } else if (48...57).contains(byte) {
                digits += 1
                if seenPoint { decimals += 1 }
            } else {
                return nil
            }
        }
        guard digits > 0, digits <= 15, !(seenPoint && decimals == 0), bytes.first != UInt8(ascii: ".") else { return nil }
        // A leading zero before more digits (`007`, a code) is text, not a number.
        if bytes.count > 1, bytes.first == UInt8(ascii: "0"), bytes.dropFirst().first != UInt8(ascii: ".") { return nil }
        return decimals
    }

    /// The text Excel shows for the cell (for column widths).
    var shown: String {
        switch self {
        case .empty: ""
        case .text(let text): text
        case .integer(let value): String(value)
        case .number(let value, let decimals):
            decimals.map { GBT8170.format(value, decimals: $0) } ?? String(value)
        }
    }
}
