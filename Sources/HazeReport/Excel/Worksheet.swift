/// One sheet of a workbook: a header row (bold, frozen so it stays in view
/// while scrolling) and data rows; columns as wide as their longest cell.
package struct Worksheet: Sendable, Equatable {
    /// The tab's name as given; `Workbook` makes it valid and unique.
    package var name: String
    package var header: [String]
    package var rows: [[SpreadsheetCell]]

    package init(name: String, header: [String], rows: [[SpreadsheetCell]]) {
        self.name = name
        self.header = header
        self.rows = rows
    }

    /// The widest row, header included.
    var columnCount: Int { max(header.count, rows.map(\.count).max() ?? 0) }

    /// Column widths in Excel's character units: the widest cell's display
    /// width (a Chinese character counts two) plus a margin, between 4 and 80.
    var columnWidths: [Double] {
        (0 ..< columnCount).map { column in
            var widest = column < header.count ? DisplayWidth.of(header[column]) : 0
            for row in rows where column < row.count {
                widest = max(widest, DisplayWidth.of(row[column].shown))
            }
            return Double(min(max(widest + 2, 4), 80))
        }
    }
}
