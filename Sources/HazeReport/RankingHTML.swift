import HazeModel

/// A self-contained HTML page: inline CSS and SVG, no script, no network.
struct RankingHTML: Sendable {
    struct Section: Sendable {
        var heading: String
        var chart: BarChart?
        var columns: [TextTable.Column]
        var rows: [[String]]
        /// Rows (by index) to show greyed: invalid units.
        var muted: Set<Int>
    }

    var title: String
    var subtitle: String
    var sections: [Section]
    var notes: [String]
    var footer: String
    var language: Language

    static let style = """
    body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;margin:32px auto;max-width:960px;color:#222;background:#fff;padding:0 16px}
    h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:2px solid #2c7fb8;padding-bottom:4px}
    .subtitle{color:#555;margin:0 0 16px}
    table{border-collapse:collapse;width:100%;font-size:14px;margin:8px 0 4px}
    th,td{border:1px solid #d0d7de;padding:4px 8px}th{background:#f3f6f9;font-weight:600}
    td.r,th.r{text-align:right;font-variant-numeric:tabular-nums}
    tr.muted td{color:#888;background:#fafafa}
    .notes{font-size:13px;color:#444;margin-top:28px}.notes li{margin:3px 0}
    footer{font-size:12px;color:#777;margin-top:20px;border-top:1px solid #ddd;padding-top:8px}
    svg{max-width:100%;height:auto}
    """

    var document: String {
        var out = """
        <!DOCTYPE html>
        <html lang="\(language == .zh ? "zh-CN" : "en")">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTMLText.escape(title))</title>
        <style>\(Self.style)</style>
        </head>
        <body>
        <h1>\(HTMLText.escape(title))</h1>
        <p class="subtitle">\(HTMLText.escape(subtitle))</p>

        """
        for section in sections {
            out += "<section>\n<h2>\(HTMLText.escape(section.heading))</h2>\n"
            if let chart = section.chart { out += chart.svg + "\n" }
            out += "<table>\n<thead><tr>"
            for column in section.columns {
                out += "<th\(column.alignRight ? " class=\"r\"" : "")>\(HTMLText.escape(column.title))</th>"
            }
            out += "</tr></thead>\n<tbody>\n"
            for (i, row) in section.rows.enumerated() {
                out += section.muted.contains(i) ? "<tr class=\"muted\">" : "<tr>"
                for (c, cell) in row.enumerated() {
                    let right = c < section.columns.count && section.columns[c].alignRight
                    out += "<td\(right ? " class=\"r\"" : "")>\(HTMLText.escape(cell))</td>"
                }
                out += "</tr>\n"
            }
            out += "</tbody>\n</table>\n</section>\n"
        }
        out += "<ul class=\"notes\">\n" + notes.map { "<li>\(HTMLText.escape($0))</li>\n" }.joined() + "</ul>\n"
        out += "<footer>\(HTMLText.escape(footer))</footer>\n</body>\n</html>\n"
        return out
    }

    /// Bar colours by pollutant.
    static func color(_ pollutant: Pollutant) -> String { pollutant == .pm25 ? "#2c7fb8" : "#7b6fb0" }
}

extension MonthlyRankingReport {
    public func html() -> String {
        let standard = ranking.standard
        var sections: [RankingHTML.Section] = ranking.rankings.map { pollutantRanking in
            let p = pollutantRanking.pollutant
            let chart = BarChart(
                bars: pollutantRanking.entries.map { .init(label: $0.unit.label, value: $0.current.rounded, valid: $0.current.isValid) },
                limit: standard.compositeLimit(p),
                limitLabel: lang.text("二级年均限值 \(standard.compositeLimit(p))", "Grade II annual limit \(standard.compositeLimit(p))"),
                unitLabel: "µg/m³", color: RankingHTML.color(p))
            return RankingHTML.Section(
                heading: title(for: p), chart: chart, columns: columns,
                rows: pollutantRanking.entries.map(cells),
                muted: Set(pollutantRanking.entries.indices.filter { !pollutantRanking.entries[$0].current.isValid }))
        }
        if let composite = ranking.composite {
            sections.append(RankingHTML.Section(
                heading: compositeTitle, chart: nil,
                columns: [.init(lang.text("排名", "Rank"), alignRight: true), .init(lang.unitTitle(ranking.scope.level)),
                          .init(lang.text("得分", "Score"), alignRight: true)],
                rows: compositeRows(composite),
                muted: Set(composite.entries.indices.filter { composite.entries[$0].score == nil })))
        }
        let subtitle = lang.text("依据 \(standard.citation)、HJ 663；单位 µg/m³", "After \(standard.citation) and HJ 663; µg/m³")
        return RankingHTML(title: title, subtitle: subtitle, sections: sections, notes: notes,
                           footer: generatedText + " · haze \(HazeVersion.current)", language: lang).document
    }
}
