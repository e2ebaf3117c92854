import Foundation
import HazeModel
import HazeAssessment

/// Renders a `PeriodRanking` (a year or a run of months).
public struct PeriodRankingReport: Sendable {
    /// The ranking rendered.
    public var ranking: PeriodRanking
    /// The language of titles, headings and notes (the data are the same in both).
    public var language: Language
    var generated: Date

    /// A rendering of `ranking` in `language`; `generated` is the time printed in the footer.
    public init(ranking: PeriodRanking, language: Language = .zh, generated: Date = Date()) {
        self.ranking = ranking
        self.language = language
        self.generated = generated
    }

    var lang: Language { language }
    var periodText: String { lang.period(ranking.months, calendarYear: ranking.isCalendarYear) }

    /// The report's title in its language (e.g. `北京市各区2019年1月PM2.5排名`).
    public var title: String {
        lang.rankingTitle(period: periodText, scope: ranking.scope, pollutants: ranking.rankings.map(\.pollutant))
    }

    var standard: AirQualityStandard { ranking.standard }

    var columns: [TextTable.Column] {
        [.init(lang.text("排名", "Rank"), alignRight: true), .init(lang.unitTitle(ranking.scope.level)),
         .init(lang.text("浓度", "Mean"), alignRight: true),
         .init(lang.text("有效天数", "Valid days"), alignRight: true),
         .init(lang.text("超标天数", "Exceedance days"), alignRight: true),
         .init(lang.text("月度第一次数", "Months 1st"), alignRight: true),
         .init(lang.text("各月排名", "Monthly ranks")),
         .init(lang.text("备注", "Note"))]
    }

    func cells(_ entry: PeriodRanking.Entry) -> [String] {
        let stats = entry.statistics
        let mean = stats.rounded.map { stats.isValid ? String($0) : "(\($0))" } ?? "—"
        var note = ""
        if !stats.isValid {
            if stats.validDays == 0 {
                note = lang.text("无数据", "no data")
            } else if let shortfall = stats.shortfall {
                note = lang.text("无效：\(shortfall.text(true))，列于最后", "invalid: \(shortfall.text(false)); ranked last")
            }
        }
        return [String(entry.rank), entry.unit.label, mean, String(stats.validDays), String(stats.exceedanceDays),
                String(entry.monthsFirst), Self.ranksText(entry.monthlyRanks, lang), note]
    }

    /// `1 2 无效 3` / `1 2 invalid 3`: a month short of valid days is marked
    /// invalid (never given a rank), a month without data is a dash.
    static func ranksText(_ ranks: [PeriodRanking.MonthStanding], _ lang: Language) -> String {
        ranks.map { standing in
            switch standing {
            case .ranked(let rank): String(rank)
            case .invalid: lang.text("无效", "invalid")
            case .noData: "—"
            }
        }.joined(separator: " ")
    }

    /// Per unit, one sentence across pollutants, e.g.
    /// `怀柔区：PM2.5 第1名，月度排名第一7次；PM10 第2名，月度排名第一4次`.
    var summaries: [String] {
        guard let first = ranking.rankings.first else { return [] }
        let count = ranking.months.count
        return first.entries.map { anchor in
            let parts = ranking.rankings.compactMap { pollutantEntries -> String? in
                guard let entry = pollutantEntries.entries.first(where: { $0.unit == anchor.unit }) else { return nil }
                let p = pollutantEntries.pollutant.displayName
                let stats = entry.statistics
                let span = ranking.isCalendarYear ? lang.text("年度", "for the year") : lang.text("期间", "for the period")
                let standing = stats.isValid
                    ? lang.text("\(span)\(lang.ordinal(entry.rank))", "\(lang.ordinal(entry.rank)) \(span)")
                    : lang.text("\(span)无效（有效天数\(stats.validDays)/\(stats.requiredDays)）",
                                "invalid \(span) (\(stats.validDays) of \(stats.requiredDays) valid days)")
                return lang.text("\(p) \(standing)，月度排名第一\(entry.monthsFirst)次（共\(count)个月）",
                                 "\(p) \(standing), 1st in \(entry.monthsFirst) of \(count) monthly assessments")
            }
            return anchor.unit.label + lang.text("：", ": ") + parts.joined(separator: lang.text("；", "; "))
        }
    }

    /// The notes printed under the ranking: the validity rules applied, unranked pollutants, what is not counted.
    public var notes: [String] {
        var notes = [
            ranking.isCalendarYear
                ? lang.text("浓度为期间有效日均值的算术平均；年均值需全年≥324个有效日均值，且每月≥27个（2月≥25）（GB 3095 表4）；无效者括号内为未修约统计值，列于最后。数值按 GB/T 8170 修约为整数后排名，数值相同并列。",
                            "The mean of the period's valid daily values; an annual mean needs ≥ 324 valid days and ≥ 27 in every month (February ≥ 25) (GB 3095 Table 4); an invalid mean is shown in parentheses and ranked last. Rounded to whole µg/m³ (GB/T 8170) before ranking; equal values share a rank.")
                : lang.text("浓度为期间有效日均值的算术平均；需每月≥27个有效日均值（2月≥25）（GB 3095 表4）；无效者括号内为统计值，列于最后。数值按 GB/T 8170 修约为整数后排名，数值相同并列。",
                            "The mean of the period's valid daily values; valid with ≥ 27 valid days in every month (February ≥ 25) (GB 3095 Table 4); an invalid mean is shown in parentheses and ranked last. Rounded to whole µg/m³ (GB/T 8170) before ranking; equal values share a rank."),
            lang.text("月度第一次数：期间各月度排名中并列或单独第一的次数（仅计该月有效者）；各月排名中“无效”为该月有效天数不足、不排名，“—”为无数据。超标天数依各日适用的二级24小时限值（\(standard.citation) 等）。",
                      "Months 1st: monthly assessments of the period in which the unit ranked first, ties included (valid months only); in the monthly ranks, 'invalid' is a month short of valid days (not ranked), '—' a month without data. Exceedance days by the Grade II 24-hour limit in force on each day (\(standard.citation) …)."),
        ]
        if !ranking.unranked.isEmpty {
            let names = ranking.unranked.map(\.displayName).joined(separator: lang.text("、", ", "))
            notes.append(lang.text("\(names)：无有效单位，不排名。", "\(names): no unit has a valid value; not ranked."))
        }
        if let composite = ranking.composite {
            let parts = composite.weights.weights.map {
                "\(GBT8170.format($0.weight, decimals: 2))×\($0.pollutant.displayName)/\(composite.limits[$0.pollutant] ?? 0)"
            }.joined(separator: " + ")
            notes.append(lang.text("综合得分 = \(parts)（期间均值，期末适用的二级年均限值，\(standard.citation)），保留两位小数，低者为先。",
                                   "Composite score = \(parts) (period means over the Grade II annual limits in force on the period's last day, \(standard.citation)), two decimals, lowest first."))
        }
        if let weights = ranking.compositeUnscored {
            notes.append(lang.text("综合得分（\(weights)）：没有单位的各加权污染物均值全部有效，不计算得分。",
                                   "Composite score (\(weights)): no unit has a valid mean of every weighted pollutant; no score is given."))
        }
        return notes + CoverageNotes.lines(ranking.coverage, controlPoints: ranking.controlPoints, language: lang)
    }

    var compositeColumns: [TextTable.Column] {
        [.init(lang.text("排名", "Rank"), alignRight: true), .init(lang.unitTitle(ranking.scope.level)),
         .init(lang.text("得分", "Score"), alignRight: true)]
    }

    func compositeRows(_ composite: CompositeRanking) -> [[String]] {
        composite.entries.map { entry in
            [String(entry.rank), entry.unit.label, entry.score.map { GBT8170.format($0, decimals: 2) } ?? "—"]
        }
    }

    var compositeTitle: String {
        lang.text("综合得分（\(ranking.composite?.weights.description ?? "")）", "Composite score (\(ranking.composite?.weights.description ?? ""))")
    }

    var generatedText: String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        formatter.timeZone = TimeZone(secondsFromGMT: LocalZone.beijing.offsetMinutes * 60)
        return lang.text("生成时间 ", "Generated ") + formatter.string(from: generated) + " (UTC+08:00)"
    }

    /// A fixed-width text table for the terminal (CJK counted as two columns, control characters shown escaped).
    public func table() -> String {
        var out = title + "\n"
        for pollutantEntries in ranking.rankings {
            out += "\n" + pollutantEntries.pollutant.displayName + "\n"
            var table = TextTable(columns: columns)
            for entry in pollutantEntries.entries { table.append(cells(entry)) }
            out += table.render(omittingEmptyColumns: true)
        }
        if let composite = ranking.composite {
            out += "\n" + compositeTitle + "\n"
            var table = TextTable(columns: compositeColumns)
            for row in compositeRows(composite) { table.append(row) }
            out += table.render()
        }
        out += "\n" + summaries.joined(separator: "\n") + "\n"
        out += "\n" + notes.map { "* " + $0 }.joined(separator: "\n") + "\n"
        return TerminalText.sanitized(out, keepingNewlines: true)
    }

    /// The report as Markdown (table cells escaped), with title and notes.
    public func markdown() -> String {
        func row(_ cells: [String]) -> String {
            "| " + cells.map(MarkdownText.escape).joined(separator: " | ") + " |\n"
        }
        var out = "## \(MarkdownText.escape(title))\n"
        for pollutantEntries in ranking.rankings {
            out += "\n### \(pollutantEntries.pollutant.displayName)\n\n" + row(columns.map(\.title))
            out += "|" + columns.map { $0.alignRight ? "---:|" : "---|" }.joined() + "\n"
            for entry in pollutantEntries.entries { out += row(cells(entry)) }
        }
        if let composite = ranking.composite {
            out += "\n### \(MarkdownText.escape(compositeTitle))\n\n" + row(compositeColumns.map(\.title))
            out += "|" + compositeColumns.map { $0.alignRight ? "---:|" : "---|" }.joined() + "\n"
            for cells in compositeRows(composite) { out += row(cells) }
        }
        out += "\n" + summaries.map { "- \(MarkdownText.escape($0))\n" }.joined()
        out += "\n" + notes.map { "- \(MarkdownText.escape($0))\n" }.joined() + "\n_\(generatedText)_\n"
        return out
    }

    /// The rows as CSV (RFC 4180, a header line first; cells that would start a spreadsheet formula are neutralised).
    public func csv() -> String {
        csvRecords().map { CSVWriter.line($0) }.joined()
    }

    /// The CSV's header and rows as plain text (before CSV escaping): the
    /// same cells `--format xlsx` writes.
    func csvRecords() -> [[String]] {
        var out = [["period", "level", "pollutant", "rank", "unit", "city", "mean", "valid_days", "required_days",
                    "valid", "exceedance_days", "months_first", "months", "monthly_ranks"]]
        for pollutantEntries in ranking.rankings {
            for entry in pollutantEntries.entries {
                let stats = entry.statistics
                out.append([
                    ranking.label, ranking.scope.level.rawValue, pollutantEntries.pollutant.displayName, String(entry.rank),
                    entry.unit.name, entry.unit.city, stats.isValid ? stats.rounded.map(String.init) ?? "" : "",
                    String(stats.validDays), String(stats.requiredDays), stats.isValid ? "true" : "false",
                    String(stats.exceedanceDays), String(entry.monthsFirst), String(ranking.months.count),
                    Self.ranksText(entry.monthlyRanks, .en),
                ])
            }
        }
        return out
    }

    /// The report as a JSON document (pretty-printed, ending with a newline).
    public func json() -> String {
        var fields: [(String, JSONValue)] = [
            ("title", .string(title)), ("period", .string(ranking.label)),
            ("months", .array(ranking.months.map { .string($0.description) })),
            ("level", .string(ranking.scope.level.rawValue)), ("city", ranking.scope.city.map(JSONValue.string) ?? .null),
            ("rankings", .array(ranking.rankings.map { pollutantEntries in
                .object([("pollutant", .string(pollutantEntries.pollutant.displayName)),
                         ("entries", .array(pollutantEntries.entries.map { entry in
                             let stats = entry.statistics
                             return .object([
                                ("rank", .int(entry.rank)), ("unit", .string(entry.unit.name)), ("city", .string(entry.unit.city)),
                                ("mean", stats.isValid ? stats.rounded.map(JSONValue.int) ?? .null : .null),
                                ("mean_of_valid_days", stats.mean.map { .decimal($0, places: 4) } ?? .null),
                                ("valid_days", .int(stats.validDays)), ("required_days", .int(stats.requiredDays)),
                                ("valid_days_by_month", .array(stats.validDaysByMonth.map(JSONValue.int))),
                                ("valid", .bool(stats.isValid)),
                                ("invalid_because", stats.shortfall.map { .string($0.text(false)) } ?? .null),
                                ("exceedance_days", .int(stats.exceedanceDays)),
                                ("months_first", .int(entry.monthsFirst)),
                                ("monthly_ranks", .array(entry.monthlyRanks.map { $0.rank.map(JSONValue.int) ?? .null })),
                                ("monthly_standing", .array(entry.monthlyRanks.map { standing -> JSONValue in
                                    switch standing {
                                    case .ranked: .string("ranked")
                                    case .invalid: .string("invalid")
                                    case .noData: .string("no data")
                                    }
                                })),
                             ])
                         }))])
            })),
            ("unranked", .array(ranking.unranked.map { .string($0.displayName) })),
            ("standard", .string(standard.citation)),
        ]
        if let composite = ranking.composite {
            fields.append(("composite", .object([
                ("weights", .object(composite.weights.weights.map { ($0.pollutant.key, .decimal($0.weight, places: 2)) })),
                ("entries", .array(composite.entries.map { entry in
                    .object([("rank", .int(entry.rank)), ("unit", .string(entry.unit.name)),
                             ("score", entry.score.map { .decimal($0, places: 2) } ?? .null)])
                })),
            ])))
        }
        fields += [("summaries", .array(summaries.map(JSONValue.string))),
                   ("coverage", CoverageNotes.json(ranking.coverage, controlPoints: ranking.controlPoints)),
                   ("notes", .array(notes.map(JSONValue.string)))]
        return JSONValue.object(fields).serialized(pretty: true) + "\n"
    }

    /// The report as one self-contained HTML page (inline CSS and SVG charts, nothing fetched).
    public func html() -> String { html(navigation: [], footer: nil) }

    /// The page, with links above the title and a footer of its own (the static site's).
    func html(navigation: [(label: String, href: String)], footer: String?) -> String {
        let summary = RankingHTML.Section(
            heading: lang.text("各\(lang.unitTitle(ranking.scope.level))概况", "Summary by \(lang.unitTitle(ranking.scope.level).lowercased())"),
            chart: nil, columns: [], rows: [], muted: [],
            body: "<ul class=\"summary-list\">\n" + summaries.map { "<li>\(HTMLText.escape($0))</li>\n" }.joined() + "</ul>\n")
        var sections = [summary] + ranking.rankings.map { pollutantEntries in
            let p = pollutantEntries.pollutant
            let heading = lang.rankingTitle(period: periodText, scope: ranking.scope, pollutants: [p])
            return RankingHTML.Section(
                heading: heading,
                chart: RankingHTML.barChart(title: heading, pollutant: p,
                                            bars: pollutantEntries.entries.map { .init(label: $0.unit.label, value: $0.statistics.rounded,
                                                                                     valid: $0.statistics.isValid) },
                                            standard: standard, period: ranking.isCalendarYear ? .year : .months, language: lang),
                columns: columns, rows: pollutantEntries.entries.map(cells),
                muted: Set(pollutantEntries.entries.indices.filter { !pollutantEntries.entries[$0].statistics.isValid }))
        }
        if let composite = ranking.composite {
            sections.append(RankingHTML.Section(heading: compositeTitle, chart: nil, columns: compositeColumns,
                                                rows: compositeRows(composite),
                                                muted: Set(composite.entries.indices.filter { composite.entries[$0].score == nil })))
        }
        var page = RankingHTML(title: title, subtitle: lang.text("依据 \(standard.citation)、HJ 663；单位 µg/m³", "After \(standard.citation) and HJ 663; µg/m³"),
                               sections: sections, notes: notes,
                               footer: footer ?? generatedText + " · haze \(HazeVersion.current)", language: lang)
        page.navigation = navigation
        return page.document
    }
}
