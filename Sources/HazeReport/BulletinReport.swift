import Foundation
import HazeModel
import HazeAssessment

/// Renders a `Bulletin` (`haze bulletin`) as a terminal table, Markdown,
/// HTML, JSON or an Excel workbook (a sheet per section). Each indicator's
/// part is rendered by `IndicatorRankingReport`, so its rows, lists and
/// notes are those `haze rank --indicator` prints.
public struct BulletinReport: Sendable {
    /// The bulletin rendered.
    public var bulletin: Bulletin
    /// The language of titles, headings and notes (the data are the same in both).
    public var language: Language
    var generated: Date

    /// A rendering of `bulletin` in `language`; `generated` is the time printed in the footer.
    public init(bulletin: Bulletin, language: Language = .zh, generated: Date = Date()) {
        self.bulletin = bulletin
        self.language = language
        self.generated = generated
    }

    var lang: Language { language }

    /// The report of each indicator's ranking with its four lists.
    var parts: [IndicatorRankingReport] {
        bulletin.sections.map { IndicatorRankingReport(ranking: $0.ranking, language: lang, generated: generated, lists: $0.lists) }
    }

    /// The report's title in its language (e.g. `北京市各区2019年1月PM2.5排名`).
    public var title: String {
        lang.text("\(lang.cityName(bulletin.city))\(lang.month(bulletin.month))环境空气质量通报",
                  "Air quality bulletin of \(bulletin.city), \(lang.month(bulletin.month))")
    }

    var headlineTitle: String { lang.text("全市概况", "The city") }
    var exceptionalTitle: String { lang.text("例外事件日", "Exceptional days") }

    // MARK: Headline

    var headlineColumns: [TextTable.Column] {
        [.init(lang.text("指标", "Indicator")), .init(lang.text("本月", "This month"), alignRight: true),
         .init(lang.text("去年同期", "Last year"), alignRight: true), .init(lang.text("同比", "Change"), alignRight: true),
         .init(lang.text("备注", "Note"))]
    }

    func headlineCells(_ indicator: RankingIndicator, _ entry: IndicatorRanking.Entry) -> [String] {
        let value = entry.value.map { entry.isValid ? indicator.format($0) : "(\(indicator.format($0)))" } ?? "—"
        let last = entry.lastYearValue.map { entry.lastYearValid ? indicator.format($0) : "(\(indicator.format($0)))" } ?? lang.text("无数据", "no data")
        let unit = indicator == .goodDays ? lang.text("百分点", " points") : indicator == .aqiDays ? lang.text("天", " days") : "%"
        let change = entry.change.map { indicator.formatChange($0) + unit } ?? "—"
        var note = entry.isValid ? "" : lang.text("无效（有效天数不足）", "not valid (too few valid days)")
        if indicator == .goodDays, entry.isValid {
            let days = entry.current.aqiDays
            note = lang.text("优良 \(days.goodDays) 天 / 有效 \(days.validDays) 天，污染 \(days.pollutedDays) 天",
                             "\(days.goodDays) good of \(days.validDays) valid days, \(days.pollutedDays) polluted")
        }
        return [name(indicator), value, last, change, note]
    }

    func name(_ indicator: RankingIndicator) -> String {
        switch indicator {
        case .pm25, .pm10, .so2, .no2, .o3: lang.text("\(indicator.label)(µg/m³)", "\(indicator.englishLabel) (µg/m³)")
        case .co: lang.text("CO(mg/m³)", "CO (mg/m³)")
        case .goodDays: lang.text("优良天数比例(%)", "Good-day ratio (%)")
        default: lang.text(indicator.label, indicator.englishLabel)
        }
    }

    var headlineRows: [[String]] {
        zip(bulletin.headlineIndicators, bulletin.headline).map { headlineCells($0, $1) }
    }

    // MARK: Notes

    var unavailableLines: [String] {
        bulletin.unavailable.map { item in
            let what = item.cityFigure ? lang.text("全市\(name(item.indicator))", "the city's \(item.indicator.englishLabel)")
                                       : lang.text("\(name(item.indicator))排名", "the \(item.indicator.englishLabel) ranking")
            return lang.text("未给出\(what)：\(item.reason)", "Not given: \(what): \(item.reason)")
        }
    }

    var exceptionalLines: [String] {
        guard let exclusion = bulletin.exclusion else { return [lang.text("未指定例外事件日文件：未扣除任何日期。", "No exceptional-days file given: no day was left out.")] }
        guard !exclusion.entries.isEmpty else {
            return [lang.text("例外事件日文件（\(exclusion.source)）中没有适用于本月及去年同期的日期。", "The exceptional-days file (\(exclusion.source)) lists no day of this month or the same month last year.")]
        }
        return exclusion.entries.map(lang.exceptionalDay)
    }

    /// Every part's notes, each once, in order.
    public var notes: [String] {
        var seen = Set<String>()
        var out: [String] = []
        for line in unavailableLines + parts.flatMap(\.notes) where seen.insert(line).inserted { out.append(line) }
        return out
    }

    var generatedText: String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        formatter.timeZone = TimeZone(secondsFromGMT: LocalZone.beijing.offsetMinutes * 60)
        return lang.text("生成时间 ", "Generated ") + formatter.string(from: generated) + " (UTC+08:00)"
    }

    // MARK: Formats

    /// A fixed-width text table for the terminal (CJK counted as two columns, control characters shown escaped).
    public func table() -> String {
        var out = title + "\n\n" + headlineTitle + "\n"
        var headline = TextTable(columns: headlineColumns)
        for row in headlineRows { headline.append(row) }
        out += headline.render(omittingEmptyColumns: true)
        for part in parts {
            var table = TextTable(columns: part.columns)
            for entry in part.ranking.entries { table.append(part.cells(entry)) }
            out += "\n" + part.title + "\n" + table.render(omittingEmptyColumns: true)
            for listing in part.lists?.listings ?? [] {
                var list = TextTable(columns: part.listColumns)
                for place in listing.places { list.append(part.listCells(place)) }
                out += "\n" + part.listHeading(listing) + "\n"
                out += listing.places.isEmpty ? emptyList(listing, part) + "\n" : list.render(omittingEmptyColumns: false)
            }
        }
        out += "\n" + exceptionalTitle + "\n" + exceptionalLines.map { "  " + $0 }.joined(separator: "\n") + "\n"
        out += "\n" + notes.map { "* " + $0 }.joined(separator: "\n") + "\n"
        return TerminalText.sanitized(out, keepingNewlines: true)
    }

    /// The report as Markdown (table cells escaped), with title and notes.
    public func markdown() -> String {
        func row(_ cells: [String]) -> String { "| " + cells.map(MarkdownText.escape).joined(separator: " | ") + " |\n" }
        func rule(_ columns: [TextTable.Column]) -> String { "|" + columns.map { $0.alignRight ? "---:|" : "---|" }.joined() + "\n" }
        var out = "# \(MarkdownText.escape(title))\n\n## \(MarkdownText.escape(headlineTitle))\n\n"
        out += row(headlineColumns.map(\.title)) + rule(headlineColumns) + headlineRows.map(row).joined()
        for part in parts {
            out += "\n## \(MarkdownText.escape(part.title))\n\n" + row(part.columns.map(\.title)) + rule(part.columns)
            out += part.ranking.entries.map { row(part.cells($0)) }.joined()
            for listing in part.lists?.listings ?? [] {
                out += "\n### \(MarkdownText.escape(part.listHeading(listing)))\n\n"
                if listing.places.isEmpty { out += MarkdownText.escape(emptyList(listing, part)) + "\n"; continue }
                out += row(part.listColumns.map(\.title)) + rule(part.listColumns) + listing.places.map { row(part.listCells($0)) }.joined()
            }
        }
        out += "\n## \(MarkdownText.escape(exceptionalTitle))\n\n" + exceptionalLines.map { "- " + MarkdownText.escape($0) + "\n" }.joined()
        out += "\n## \(lang.text("说明", "Notes"))\n\n" + notes.map { "- " + MarkdownText.escape($0) + "\n" }.joined()
        out += "\n_\(generatedText)_\n"
        return out
    }

    /// What an empty list says: why nobody is on it.
    func emptyList(_ listing: RedBlackLists.Listing, _ part: IndicatorRankingReport) -> String {
        let byChange = listing.kind == .mostImproved || listing.kind == .mostDeteriorated
        if byChange && !part.ranking.lastYearHasData {
            return lang.text("（无：去年同期无数据，同比无法计算）", "(none: no data for the same period last year, so no change can be computed)")
        }
        return lang.text("（无）", "(none)")
    }

    /// The report as one self-contained HTML page (inline CSS and SVG charts, nothing fetched).
    public func html() -> String {
        var sections = [RankingHTML.Section(heading: headlineTitle, chart: nil, columns: headlineColumns, rows: headlineRows, muted: [])]
        for part in parts {
            let entries = part.ranking.entries
            sections.append(RankingHTML.Section(heading: part.title, chart: nil, columns: part.columns, rows: entries.map(part.cells),
                                                muted: Set(entries.indices.filter { !entries[$0].isValid })))
            for listing in part.lists?.listings ?? [] {
                if listing.places.isEmpty {
                    sections.append(RankingHTML.Section(heading: part.listHeading(listing), chart: nil, columns: [], rows: [], muted: [],
                                                        body: "<p>\(HTMLText.escape(emptyList(listing, part)))</p>\n"))
                    continue
                }
                sections.append(RankingHTML.Section(heading: part.listHeading(listing), chart: nil, columns: part.listColumns,
                                                    rows: listing.places.map(part.listCells), muted: []))
            }
        }
        sections.append(RankingHTML.Section(heading: exceptionalTitle, chart: nil, columns: [.init(exceptionalTitle)],
                                            rows: exceptionalLines.map { [$0] }, muted: []))
        let subtitle = lang.text("依据 GB 3095、HJ 633、HJ 663；排名单位：\(lang.layerPlural(bulletin.level))",
                                 "After GB 3095, HJ 633 and HJ 663; units: \(lang.layerPlural(bulletin.level))")
        return RankingHTML(title: title, subtitle: subtitle, sections: sections, notes: notes,
                           footer: generatedText + " · haze \(HazeVersion.current)", language: lang).document
    }

    func jsonValue() -> JSONValue {
        let headline: [JSONValue] = zip(bulletin.headlineIndicators, bulletin.headline).map { indicator, entry in
            let scale = indicator.decimals == 0 ? 1.0 : indicator.decimals == 1 ? 10.0 : 100.0
            func scaled(_ v: Int?) -> JSONValue { v.map { .decimal(Double($0) / scale, places: indicator.decimals) } ?? .null }
            let change: JSONValue = entry.change.map { indicator == .aqiDays ? .int($0) : .decimal(Double($0) / 10, places: 1) } ?? .null
            let days = entry.current.aqiDays
            return .object([
                ("indicator", .string(indicator.rawValue)), ("value", entry.isValid ? scaled(entry.value) : .null),
                ("valid", .bool(entry.isValid)), ("value_of_invalid", entry.isValid ? .null : scaled(entry.value)),
                ("last_year_value", entry.lastYearValid ? scaled(entry.lastYearValue) : .null),
                ("last_year_valid", .bool(entry.lastYearValid)), ("change", change),
                ("good_days", .int(days.goodDays)), ("valid_aqi_days", .int(days.validDays)), ("polluted_days", .int(days.pollutedDays)),
            ])
        }
        let unavailable: [JSONValue] = bulletin.unavailable.map {
            .object([("indicator", .string($0.indicator.rawValue)), ("city_figure", .bool($0.cityFigure)), ("reason", .string($0.reason))])
        }
        var excluded: JSONValue = .null
        if let exclusion = bulletin.exclusion {
            excluded = .object([("file", .string(exclusion.source)),
                                ("days", .array(exclusion.entries.map { day in
                                    .object([("date", .string(day.day.description)), ("city", day.city.map(JSONValue.string) ?? .null),
                                             ("kind", .string(day.kind.rawValue)), ("note", .string(day.note))])
                                }))])
        }
        return .object([
            ("title", .string(title)), ("month", .string(bulletin.month.description)), ("city", .string(bulletin.city)),
            ("level", .string(bulletin.level.rawValue)), ("indicators", .array(bulletin.indicators.map { .string($0.rawValue) })),
            ("list_size", .int(bulletin.listSize)), ("headline", .array(headline)),
            ("rankings", .array(parts.map { $0.jsonValue() })), ("unavailable", .array(unavailable)),
            ("exceptional_days", excluded), ("notes", .array(notes.map(JSONValue.string))),
        ])
    }

    /// The report as a JSON document (pretty-printed, ending with a newline).
    public func json() -> String { jsonValue().serialized(pretty: true) + "\n" }
}
