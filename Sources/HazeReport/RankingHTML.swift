import HazeModel

/// A self-contained HTML page: inline CSS and SVG, no script, no network.
/// It reads on a phone (one column, tables scrolling sideways with the unit
/// held in place, charts laid out for the width) and prints on A4 (a page
/// per section, charts in their wide layout).
struct RankingHTML: Sendable {
    struct Section: Sendable {
        var heading: String
        var chart: BarChart?
        var columns: [TextTable.Column]
        var rows: [[String]]
        /// Rows (by index) to show greyed: invalid units.
        var muted: Set<Int>
        /// HTML (already escaped) shown instead of, or before, a table.
        var body: String = ""
        /// The column naming the unit, held in place while the table scrolls.
        var unitColumn: Int? = 1
    }

    var title: String
    var subtitle: String
    var sections: [Section]
    var notes: [String]
    var footer: String
    var language: Language
    /// Links shown above the title (the static site's way back), already relative.
    var navigation: [(label: String, href: String)] = []

    /// Cells that say "nothing here": a column of only these is left out.
    var emptyMarks: Set<String> { ["", "—", "无数据", "no data"] }

    var document: String {
        var out = HTMLDocument.head(title: title, language: language)
        if !navigation.isEmpty {
            out += "<nav class=\"crumbs\">" + navigation.map { "<a href=\"\(HTMLText.escape($0.href))\">\(HTMLText.escape($0.label))</a>" }.joined() + "</nav>\n"
        }
        out += "<h1>\(HTMLText.escape(title))</h1>\n"
        if !subtitle.isEmpty { out += "<p class=\"subtitle\">\(HTMLText.escape(subtitle))</p>\n" }
        var omitted: [String] = []
        for (index, section) in sections.enumerated() {
            out += "<section\(index == 0 ? " class=\"keep\"" : "")>\n<h2>\(HTMLText.escape(section.heading))</h2>\n"
            if let chart = section.chart {
                let parts = chart.parts
                for (p, part) in parts.enumerated() {
                    let caption = parts.count > 1
                        ? language.text("第\(part.firstPosition)–\(part.firstPosition + part.bars.count - 1)位（共\(chart.bars.count)个，同一刻度）",
                                        "Positions \(part.firstPosition)–\(part.firstPosition + part.bars.count - 1) of \(chart.bars.count), one scale")
                        : nil
                    out += ChartFigure(chart: part, id: "s\(index + 1)p\(p + 1)", caption: caption, heading: nil).html
                }
            }
            out += section.body
            if !section.columns.isEmpty {
                let table = HTMLTable(columns: section.columns, rows: section.rows, muted: section.muted,
                                      stickyColumn: section.unitColumn,
                                      wrappingColumns: Set(section.columns.indices.filter { section.columns[$0].title == language.text("备注", "Note") }),
                                      emptyMarks: emptyMarks)
                let shown = Set(table.shownColumns)
                for c in section.columns.indices where !shown.contains(c) && !omitted.contains(section.columns[c].title) {
                    omitted.append(section.columns[c].title)
                }
                out += table.html
            }
            out += "</section>\n"
        }
        var notes = self.notes
        if !omitted.isEmpty {
            notes.append(language.text("表中全部为空（无数据或“—”）的列未显示：" + omitted.joined(separator: "、") + "。",
                                       "Columns empty for every unit (no data or “—”) are not shown: " + omitted.joined(separator: ", ") + "."))
        }
        out += "<ul class=\"notes\">\n" + notes.map { "<li>\(HTMLText.escape($0))</li>\n" }.joined() + "</ul>\n"
        out += "<footer>\(HTMLText.escape(footer))</footer>\n</body>\n</html>\n"
        return out
    }

    /// Bar colours by pollutant.
    static func color(_ pollutant: Pollutant) -> String { ChartPalette.color(pollutant) }

    /// The bar chart of a ranking: valid means in the pollutant's colour,
    /// invalid ones hatched, the annual Grade II limit as the reference line,
    /// saying which limit and why.
    static func barChart(title: String, pollutant: Pollutant, bars: [BarChart.Bar], standard: AirQualityStandard,
                         period: BarPeriod, language: Language) -> BarChart {
        // The PM rankings' pollutants all have an annual limit; the others fall back to their 24-hour one.
        let limit = standard.compositeLimit(pollutant)
        let limitLabel: String
        switch period {
        case .month:
            limitLabel = language.text("\(standard.citation) 二级年平均限值 \(limit)（月均值无限值，仅作参照）",
                                       "\(standard.citation) Grade II annual limit \(limit) (no monthly limit exists; for reference)")
        case .year:
            limitLabel = language.text("\(standard.citation) 二级年平均限值 \(limit)", "\(standard.citation) Grade II annual limit \(limit)")
        case .months:
            limitLabel = language.text("\(standard.citation) 二级年平均限值 \(limit)（多月均值，仅作参照）",
                                       "\(standard.citation) Grade II annual limit \(limit) (mean of several months; for reference)")
        }
        let what: String
        switch period {
        case .month: what = language.text("月均浓度", "monthly mean")
        case .year: what = language.text("年均浓度", "annual mean")
        case .months: what = language.text("期间均值", "mean of the period")
        }
        let required = language.text("有效天数不足：括号内为参考值，列于最后", "too few valid days: value in parentheses, ranked last")
        return BarChart(title: title, bars: bars, limit: limit, limitLabel: limitLabel,
                        valueLabel: language.text("\(pollutant.displayName) \(what)（µg/m³）", "\(pollutant.displayName) \(what) (µg/m³)"), invalidLabel: required, unitLabel: "µg/m³",
                        color: color(pollutant))
    }

    enum BarPeriod { case month, year, months }
}

extension MonthlyRankingReport {
    /// The report as one self-contained HTML page (inline CSS and SVG charts, nothing fetched).
    public func html() -> String { html(navigation: [], footer: nil) }

    /// The page, with links above the title and a footer of its own (the
    /// static site's: no generation time, so an unchanged page has unchanged bytes).
    func html(navigation: [(label: String, href: String)], footer: String?) -> String {
        let standard = ranking.standard
        var sections: [RankingHTML.Section] = ranking.rankings.map { pollutantRanking in
            let p = pollutantRanking.pollutant
            let chart = RankingHTML.barChart(
                title: title(for: p), pollutant: p,
                bars: pollutantRanking.entries.map { .init(label: $0.unit.label, value: $0.current.rounded, valid: $0.current.isValid) },
                standard: standard, period: .month, language: lang)
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
        var page = RankingHTML(title: title, subtitle: subtitle, sections: sections, notes: notes,
                               footer: footer ?? generatedText + " · haze \(HazeVersion.current)", language: lang)
        page.navigation = navigation
        return page.document
    }
}
