import Foundation
import HazeModel
import HazeAssessment

/// Renders a `PeriodRanking` (a year or a run of months).
public struct PeriodRankingReport: Sendable {
    public var ranking: PeriodRanking
    public var language: Language
    public var generated: Date

    public init(ranking: PeriodRanking, language: Language = .zh, generated: Date = Date()) {
        self.ranking = ranking
        self.language = language
        self.generated = generated
    }

    var lang: Language { language }
    var periodText: String { lang.period(ranking.months, calendarYear: ranking.isCalendarYear) }

    public var title: String {
        lang.rankingTitle(period: periodText, scope: ranking.scope, pollutants: ranking.rankings.map(\.pollutant))
    }

    var standard: AirQualityStandard {
        AirQualityStandard.inForce(on: ranking.months.first?.firstDay ?? Day(0))
    }

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
            note = lang.text("有效天数不足(\(stats.validDays)/\(stats.requiredDays))",
                             "fewer than \(stats.requiredDays) valid days (\(stats.validDays))")
        }
        return [String(entry.rank), entry.unit.label, mean, String(stats.validDays), String(stats.exceedanceDays),
                String(entry.monthsFirst), Self.ranksText(entry.monthlyRanks), note]
    }

    /// `1 2 — 3`: a month without data is a dash.
    static func ranksText(_ ranks: [Int?]) -> String {
        ranks.map { $0.map(String.init) ?? "—" }.joined(separator: " ")
    }

    /// Per unit, one sentence across pollutants, e.g.
    /// `怀柔区：PM2.5 第1名，月度排名第一7次；PM10 第2名，月度排名第一4次`.
    public var summaries: [String] {
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

    public var notes: [String] {
        let required = ranking.rankings.first?.entries.first?.statistics.requiredDays ?? 0
        return [
            lang.text("浓度为期间有效日均值的算术平均，需≥\(required)个有效日\(ranking.isCalendarYear ? "（GB 3095 年平均有效性）" : "（各月要求之和）")；数值按 GB/T 8170 修约为整数后排名，数值相同并列，无效者列于最后。",
                      "The mean of the period's valid daily values, valid with ≥ \(required) days\(ranking.isCalendarYear ? " (GB 3095 annual rule)" : " (the sum of the months' minimums)"); rounded to whole µg/m³ (GB/T 8170) before ranking; equal values share a rank; invalid units last."),
            lang.text("月度第一次数：期间各月度排名中并列或单独第一的次数（仅计该月有效者）。超标天数依 \(standard.citation) 二级24小时限值。",
                      "Months 1st: monthly assessments of the period in which the unit ranked first, ties included (valid months only). Exceedance days by the \(standard.citation) Grade II 24-hour limit."),
        ]
    }

    var generatedText: String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        formatter.timeZone = TimeZone(secondsFromGMT: LocalZone.beijing.offsetMinutes * 60)
        return lang.text("生成时间 ", "Generated ") + formatter.string(from: generated) + " (UTC+08:00)"
    }

    public func table() -> String {
        var out = title + "\n"
        for pollutantEntries in ranking.rankings {
            out += "\n" + pollutantEntries.pollutant.displayName + "\n"
            var table = TextTable(columns: columns)
            for entry in pollutantEntries.entries { table.append(cells(entry)) }
            out += table.render(omittingEmptyColumns: true)
        }
        out += "\n" + summaries.joined(separator: "\n") + "\n"
        out += "\n" + notes.map { "* " + $0 }.joined(separator: "\n") + "\n"
        return TerminalText.sanitized(out, keepingNewlines: true)
    }

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
        out += "\n" + summaries.map { "- \(MarkdownText.escape($0))\n" }.joined()
        out += "\n" + notes.map { "- \(MarkdownText.escape($0))\n" }.joined() + "\n_\(generatedText)_\n"
        return out
    }

    public func csv() -> String {
        var out = CSVWriter.line(["period", "level", "pollutant", "rank", "unit", "city", "mean", "valid_days", "required_days",
                                  "valid", "exceedance_days", "months_first", "months", "monthly_ranks"])
        for pollutantEntries in ranking.rankings {
            for entry in pollutantEntries.entries {
                let stats = entry.statistics
                out += CSVWriter.line([
                    ranking.label, ranking.scope.level.rawValue, pollutantEntries.pollutant.displayName, String(entry.rank),
                    entry.unit.name, entry.unit.city, stats.isValid ? stats.rounded.map(String.init) ?? "" : "",
                    String(stats.validDays), String(stats.requiredDays), stats.isValid ? "true" : "false",
                    String(stats.exceedanceDays), String(entry.monthsFirst), String(ranking.months.count),
                    Self.ranksText(entry.monthlyRanks),
                ])
            }
        }
        return out
    }

    public func json() -> String {
        JSONValue.object([
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
                                ("valid", .bool(stats.isValid)), ("exceedance_days", .int(stats.exceedanceDays)),
                                ("months_first", .int(entry.monthsFirst)),
                                ("monthly_ranks", .array(entry.monthlyRanks.map { $0.map(JSONValue.int) ?? .null })),
                             ])
                         }))])
            })),
            ("summaries", .array(summaries.map(JSONValue.string))),
            ("notes", .array(notes.map(JSONValue.string))),
        ]).serialized(pretty: true) + "\n"
    }

    public func html() -> String { html(navigation: [], footer: nil) }

    /// The page, with links above the title and a footer of its own (the static site's).
    func html(navigation: [(label: String, href: String)], footer: String?) -> String {
        let summary = RankingHTML.Section(
            heading: lang.text("各\(lang.unitTitle(ranking.scope.level))概况", "Summary by \(lang.unitTitle(ranking.scope.level).lowercased())"),
            chart: nil, columns: [], rows: [], muted: [],
            body: "<ul class=\"summary-list\">\n" + summaries.map { "<li>\(HTMLText.escape($0))</li>\n" }.joined() + "</ul>\n")
        let sections = [summary] + ranking.rankings.map { pollutantEntries in
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
        var page = RankingHTML(title: title, subtitle: lang.text("依据 \(standard.citation)、HJ 663；单位 µg/m³", "After \(standard.citation) and HJ 663; µg/m³"),
                               sections: sections, notes: notes,
                               footer: footer ?? generatedText + " · haze \(HazeVersion.current)", language: lang)
        page.navigation = navigation
        return page.document
    }
}
