/// A table in an HTML page that works on a phone: it scrolls sideways in its
/// own box (never widening the page), the column naming the unit stays in
/// place while the numbers scroll, a long table scrolls inside the page with
/// its header held at the top, and a column empty for every row is left out.
struct HTMLTable {
    var columns: [TextTable.Column]
    var rows: [[String]]
    /// Rows (by index) shown greyed: invalid units.
    var muted: Set<Int> = []
    /// The column held in place while the others scroll (the unit's name).
    var stickyColumn: Int?
    /// Columns whose text may wrap (long notes).
    var wrappingColumns: Set<Int> = []
    /// Cells that count as empty when deciding to leave a column out.
    var emptyMarks: Set<String> = ["", "—"]

    /// A table longer than this scrolls inside the page, its header held in place.
    static let tallRows = 40

    /// Indices of the columns with at least one filled cell.
    var shownColumns: [Int] {
        columns.indices.filter { c in rows.contains { c < $0.count && !emptyMarks.contains($0[c]) } }
    }

    var html: String {
        let shown = shownColumns
        var out = "<div class=\"table-scroll\(rows.count > Self.tallRows ? " tall" : "")\">\n<table>\n<thead><tr>"
        for c in shown {
            out += "<th\(classes(c))>\(HTMLText.escape(columns[c].title))</th>"
        }
        out += "</tr></thead>\n<tbody>\n"
        for (i, row) in rows.enumerated() {
            out += muted.contains(i) ? "<tr class=\"muted\">" : "<tr>"
            for c in shown {
                out += "<td\(classes(c))>\(HTMLText.escape(c < row.count ? row[c] : ""))</td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody>\n</table>\n</div>\n"
        return out
    }

    private func classes(_ c: Int) -> String {
        var list: [String] = []
        if columns[c].alignRight { list.append("r") }
        if c == stickyColumn { list.append("unit") }
        if wrappingColumns.contains(c) { list.append("wrap") }
        return list.isEmpty ? "" : " class=\"\(list.joined(separator: " "))\""
    }
}
