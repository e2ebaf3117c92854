/// A plain-text table for the terminal, aligned by display width so Chinese
/// district names line up with Latin text. Control characters in cells (an
/// ANSI escape in a station name) are shown escaped (`TerminalText`).
package struct TextTable: Sendable {
    package struct Column: Sendable {
        package var title: String
        package var alignRight: Bool

        package init(_ title: String, alignRight: Bool = false) {
            self.title = title
            self.alignRight = alignRight
        }
    }

    package var columns: [Column]
    package var rows: [[String]] = []

    package init(columns: [Column]) { self.columns = columns }

    package mutating func append(_ row: [String]) { rows.append(row) }

    /// The table as text; `omittingEmptyColumns` drops columns with no cell filled.
    package func render(omittingEmptyColumns: Bool = false) -> String {
        if omittingEmptyColumns {
            let keep = columns.indices.filter { i in rows.contains { i < $0.count && !$0[i].isEmpty } }
            if keep.count < columns.count {
                var trimmed = TextTable(columns: keep.map { columns[$0] })
                trimmed.rows = rows.map { row in keep.map { $0 < row.count ? row[$0] : "" } }
                return trimmed.render()
            }
        }
        // Cells come from the registry and from data: no control character reaches the terminal.
        let shownRows = rows.map { $0.map { TerminalText.sanitized($0) } }
        var widths = columns.map { DisplayWidth.of(TerminalText.sanitized($0.title)) }
        for row in shownRows {
            for (i, cell) in row.enumerated() where i < widths.count {
                widths[i] = max(widths[i], DisplayWidth.of(cell))
            }
        }
        var out = heading(widths: widths)
        for row in shownRows { out += line(row, widths: widths) + "\n" }
        return out
    }

    /// The title line and the rule under it, for columns `widths` wide (at
    /// least as wide as the titles): with `row(_:widths:)`, a table printed a
    /// row at a time, whose widths are known before its rows.
    package func heading(widths: [Int]) -> String {
        line(columns.map { TerminalText.sanitized($0.title) }, widths: widths) + "\n"
            + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
    }

    /// One row, its cells made safe for the terminal, padded to `widths`.
    package func row(_ cells: [String], widths: [Int]) -> String {
        line(cells.map { TerminalText.sanitized($0) }, widths: widths) + "\n"
    }

    private func line(_ cells: [String], widths: [Int]) -> String {
        var parts: [String] = []
        for (i, column) in columns.enumerated() {
            let cell = i < cells.count ? cells[i] : ""
            parts.append(DisplayWidth.pad(cell, to: i < widths.count ? widths[i] : 0, alignRight: column.alignRight))
        }
        var text = parts.joined(separator: "  ")
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}
