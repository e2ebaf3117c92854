import Foundation
import HazeModel
import HazeAssessment

/// Renders a `MonthlyRanking` as a terminal table, CSV, JSON, Markdown or HTML.
public struct MonthlyRankingReport: Sendable {
    /// The ranking rendered.
    public var ranking: MonthlyRanking
    /// The language of titles, headings and notes (the data are the same in both).
    public var language: Language
    /// When the report was made, shown in Markdown and HTML.
    var generated: Date

    /// A rendering of `ranking` in `language`; `generated` is the time printed in the footer.
    public init(ranking: MonthlyRanking, language: Language = .zh, generated: Date = Date()) {
        self.ranking = ranking
        self.language = language
        self.generated = generated
    }

    var lang: Language { language }
    /// Nil only before 0001-01 (never for a month of the supported calendar).
    var lastYearMonth: Month? { ranking.month.yearEarlier }

    /// The report's title in its language (e.g. `北京市各区2019年1月PM2.5排名`).
    public var title: String {
        lang.rankingTitle(period: lang.month(ranking.month), scope: ranking.scope,
                          pollutants: ranking.rankings.map(\.pollutant))
    }

    func title(for pollutant: Pollutant) -> String {
        lang.rankingTitle(period: lang.month(ranking.month), scope: ranking.scope, pollutants: [pollutant])
    }

    // MARK: Cells

    var columns: [TextTable.Column] {
        [.init(lang.text("排名", "Rank"), alignRight: true), .init(lang.unitTitle(ranking.scope.level)),
         .init(lang.text("浓度", "Mean"), alignRight: true),
         .init(lang.text("去年同期", "Last year"), alignRight: true),
         .init(lang.text("同比(%)", "Change %"), alignRight: true),
         .init(lang.text("改善排名", "Rank by change"), alignRight: true),
         .init(lang.text("有效天数", "Valid days"), alignRight: true),
         .init(lang.text("超标天数", "Exceedance days"), alignRight: true),
         .init(lang.text("最高日均值", "Highest daily"), alignRight: true),
         .init(lang.text("备注", "Note"))]
    }

    func cells(_ entry: RankingEntry) -> [String] {
        let now = entry.current
        let mean: String
        if let value = now.rounded { mean = now.isValid ? String(value) : "(\(value))" } else { mean = "—" }
        return [String(entry.rank), entry.unit.label, mean, lastYearText(entry.lastYear),
                entry.change.map(Self.signed) ?? "—", entry.changeRank.map(String.init) ?? "—",
                String(now.validDays), String(now.exceedanceDays),
                now.highestDay.map { "\($0.value) (\(Self.shortDate($0.day)))" } ?? "—", note(entry)]
    }

    /// True when no unit has any data for the same month last year.
    var lastYearAbsent: Bool {
        ranking.rankings.allSatisfy { $0.entries.allSatisfy { $0.lastYear.validDays == 0 } }
    }

    func lastYearText(_ stats: PeriodStatistics) -> String {
        if stats.validDays == 0 { return lang.text("无数据", "no data") }
        guard stats.isValid, let value = stats.rounded else {
            return lang.text("无效(\(stats.validDays)天)", "invalid (\(stats.validDays) days)")
        }
        return String(value)
    }

    func note(_ entry: RankingEntry) -> String {
        var notes: [String] = []
        let now = entry.current
        if !now.isValid {
            notes.append(now.validDays == 0 ? lang.text("无数据", "no data")
                         : lang.text("有效天数不足(\(now.validDays)/\(now.requiredDays))，列于最后",
                                     "fewer than \(now.requiredDays) valid days (\(now.validDays)); ranked last"))
        }
        if entry.unit.isControlPoint { notes.append(lang.text("对照点", "control point")) }
        if now.validDays > now.daysUsed {
            let left = now.validDays - now.daysUsed
            notes.append(lang.text("扣除例外事件日\(left)天", "\(left) exceptional day(s) left out"))
        }
        return notes.joined(separator: "; ")
    }

    static func signed(_ change: Double) -> String {
        (change > 0 ? "+" : "") + GBT8170.format(change, decimals: 1)
    }

    static func shortDate(_ day: Day) -> String {
        let d = day.date
        return "\(CivilDate.pad(d.month, 2))-\(CivilDate.pad(d.day, 2))"
    }

    /// Data-validity notes printed under every report.
    public var notes: [String] {
        let standard = ranking.standard
        let limits = ranking.rankings.map(\.pollutant).map { "\($0.displayName) \(standard.dailyLimit($0))" }.joined(separator: lang.text("、", ", "))
        let averaging = ranking.scope.level == .station
            ? lang.text("站点月均值为其有效日均值的算术平均。", "A station's month is the mean of its valid daily means.")
            : lang.text("单位日均值为其评价点位（不含对照点）有效日均值的算术平均，月均值为有效日的算术平均（HJ 663）。",
                        "A unit's daily value is the mean of the valid daily means of its assessment stations (control points excluded); its month is the mean of those days (HJ 663).")
        var notes = [
            lang.text("浓度单位 µg/m³。日均值需≥20个有效小时值，月均值需≥27个有效日均值（2月≥25）（GB 3095 表4）。",
                      "Concentrations in µg/m³. A daily mean needs ≥ 20 valid hours, a month ≥ 27 valid days (February ≥ 25) (GB 3095 Table 4)."),
            averaging,
            lang.text("数值按 GB/T 8170 修约为整数后排名（低者为先），数值相同并列；有效天数不足者列于最后并标注。",
                      "Values are rounded to whole µg/m³ (GB/T 8170, half to even) before ranking, lowest first; equal values share a rank; units short of valid days are ranked last and marked."),
            lang.text("超标天数：日均值超过当日适用的二级24小时浓度限值（\(standard.citation)：\(limits)）的有效天数。同比按修约后数值计算，负值为改善。",
                      "Exceedance days: valid days above the Grade II 24-hour limit in force that day (\(standard.citation): \(limits)). Change is computed from the rounded values; negative = improved."),
        ]
        if !ranking.unranked.isEmpty {
            let names = ranking.unranked.map(\.displayName).joined(separator: lang.text("、", ", "))
            notes.append(lang.text("\(names)：无有效单位（有效天数均不足），不排名。", "\(names): no unit has a valid month (too few valid days everywhere); not ranked."))
        }
        if lastYearAbsent {
            notes.append(lang.text("去年同期（\(lastYearMonth.map(lang.month) ?? "—")）无数据，同比及改善排名无法计算。",
                                   "No data for the same month last year (\(lastYearMonth?.description ?? "—")): change and rank by change cannot be computed."))
        }
        if let exclusion = ranking.exclusion {
            notes.append(lang.exclusionNote(exclusion, period: lang.month(ranking.month)))
        }
        if let composite = ranking.composite {
            let parts = composite.weights.weights.map {
                "\(GBT8170.format($0.weight, decimals: 2))×\($0.pollutant.displayName)/\(composite.limits[$0.pollutant] ?? 0)"
            }.joined(separator: " + ")
            notes.append(lang.text("综合得分 = \(parts)（二级年均限值，\(standard.citation)），保留两位小数，低者为先。",
                                   "Composite score = \(parts) (Grade II annual limits, \(standard.citation)), two decimals, lowest first."))
        }
        if let weights = ranking.compositeUnscored {
            notes.append(lang.text("综合得分（\(weights)）：没有单位的各加权污染物均值全部有效，不计算得分。",
                                   "Composite score (\(weights)): no unit has a valid mean of every weighted pollutant; no score is given."))
        }
        notes += CoverageNotes.lines(ranking.coverage, controlPoints: ranking.controlPoints, language: lang)
        return notes
    }

    var generatedText: String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        formatter.timeZone = TimeZone(secondsFromGMT: LocalZone.beijing.offsetMinutes * 60)
        return lang.text("生成时间 ", "Generated ") + formatter.string(from: generated) + " (UTC+08:00)"
    }

    func compositeRows(_ composite: CompositeRanking) -> [[String]] {
        composite.entries.map { entry in
            [String(entry.rank), entry.unit.label, entry.score.map { GBT8170.format($0, decimals: 2) } ?? "—"]
        }
    }

    var compositeTitle: String {
        lang.text("综合得分（\(ranking.composite?.weights.description ?? "")）", "Composite score (\(ranking.composite?.weights.description ?? ""))")
    }

    // MARK: Formats

    /// A fixed-width text table for the terminal (CJK counted as two columns, control characters shown escaped).
    public func table() -> String {
        var out = TerminalText.sanitized(title) + "\n"
        for pollutantRanking in ranking.rankings {
            out += "\n" + pollutantRanking.pollutant.displayName + "\n"
            var table = TextTable(columns: columns)
            for entry in pollutantRanking.entries { table.append(cells(entry)) }
            out += table.render(omittingEmptyColumns: false)
        }
        if let composite = ranking.composite {
            out += "\n" + compositeTitle + "\n"
            var table = TextTable(columns: [.init(lang.text("排名", "Rank"), alignRight: true),
                                            .init(lang.unitTitle(ranking.scope.level)),
                                            .init(lang.text("得分", "Score"), alignRight: true)])
            for row in compositeRows(composite) { table.append(row) }
            out += table.render()
        }
        out += "\n" + notes.map { "* " + $0 }.joined(separator: "\n") + "\n"
        return TerminalText.sanitized(out, keepingNewlines: true)
    }

    /// The report as Markdown (table cells escaped), with title and notes.
    public func markdown() -> String {
        func row(_ cells: [String]) -> String {
            "| " + cells.map(MarkdownText.escape).joined(separator: " | ") + " |\n"
        }
        func separator(_ columns: [TextTable.Column]) -> String {
            "|" + columns.map { $0.alignRight ? "---:|" : "---|" }.joined() + "\n"
        }
        var out = "## \(MarkdownText.escape(title))\n"
        for pollutantRanking in ranking.rankings {
            out += "\n### \(MarkdownText.escape(title(for: pollutantRanking.pollutant)))\n\n"
            out += row(columns.map(\.title)) + separator(columns)
            for entry in pollutantRanking.entries { out += row(cells(entry)) }
        }
        if let composite = ranking.composite {
            let compositeColumns: [TextTable.Column] = [.init(lang.text("排名", "Rank"), alignRight: true),
                                                        .init(lang.unitTitle(ranking.scope.level)),
                                                        .init(lang.text("得分", "Score"), alignRight: true)]
            out += "\n### \(MarkdownText.escape(compositeTitle))\n\n" + row(compositeColumns.map(\.title)) + separator(compositeColumns)
            for cells in compositeRows(composite) { out += row(cells) }
        }
        out += "\n" + notes.map { "- " + MarkdownText.escape($0) + "\n" }.joined()
        out += "\n_\(generatedText)_\n"
        return out
    }

    static let csvHeader = ["month", "level", "pollutant", "rank", "unit", "city", "mean", "valid_days", "required_days",
                            "valid", "exceedance_days", "highest_daily", "highest_daily_date", "last_year",
                            "last_year_valid_days", "change_pct", "change_rank"]

    /// The rows as CSV (RFC 4180, a header line first; cells that would start a spreadsheet formula are neutralised).
    public func csv() -> String {
        let records = csvRecords()
        var out = ""
        out.reserveCapacity(records.count * 96)
        for record in records { CSVWriter.append(record, to: &out) }
        return out
    }

    /// The CSV's header and rows as plain text (before CSV escaping): the
    /// same cells `--format xlsx` writes, so the two never disagree.
    func csvRecords() -> [[String]] {
        // With --exclude-exceptional, one more column: the days averaged.
        let excluding = ranking.exclusion != nil
        var out = [Self.csvHeader + (excluding ? ["days_used"] : [])]
        for pollutantRanking in ranking.rankings {
            for entry in pollutantRanking.entries {
                let now = entry.current
                let last = entry.lastYear
                let row: [String] = [
                    ranking.month.description, ranking.scope.level.rawValue, pollutantRanking.pollutant.displayName,
                    String(entry.rank), entry.unit.name, entry.unit.city,
                    now.isValid ? now.rounded.map(String.init) ?? "" : "", String(now.validDays), String(now.requiredDays),
                    now.isValid ? "true" : "false", String(now.exceedanceDays),
                    now.highestDay.map { String($0.value) } ?? "", now.highestDay.map { $0.day.description } ?? "",
                    last.isValid ? last.rounded.map(String.init) ?? "" : "", String(last.validDays),
                    entry.change.map { GBT8170.format($0, decimals: 1) } ?? "", entry.changeRank.map(String.init) ?? "",
                ]
                out.append(excluding ? row + [String(now.daysUsed)] : row)
            }
        }
        return out
    }

    func jsonValue() -> JSONValue {
        func statistics(_ stats: PeriodStatistics) -> [(String, JSONValue)] {
            [("mean", stats.isValid ? stats.rounded.map(JSONValue.int) ?? .null : .null),
             ("mean_of_valid_days", stats.mean.map { .decimal($0, places: 4) } ?? .null),
             ("valid_days", .int(stats.validDays)), ("days_used", .int(stats.daysUsed)),
             ("required_days", .int(stats.requiredDays)),
             ("valid", .bool(stats.isValid)), ("exceedance_days", .int(stats.exceedanceDays)),
             ("highest_daily", stats.highestDay.map { .int($0.value) } ?? .null),
             ("highest_daily_date", stats.highestDay.map { .string($0.day.description) } ?? .null)]
        }
        var fields: [(String, JSONValue)] = [
            ("title", .string(title)), ("month", .string(ranking.month.description)),
            ("level", .string(ranking.scope.level.rawValue)), ("city", ranking.scope.city.map(JSONValue.string) ?? .null),
            ("standard", .string(ranking.standard.citation)),
            ("unranked", .array(ranking.unranked.map { .string($0.displayName) })),
            ("rankings", .array(ranking.rankings.map { pollutantRanking in
                let p = pollutantRanking.pollutant
                return .object([
                    ("pollutant", .string(p.displayName)),
                    ("daily_limit", .int(ranking.standard.dailyLimit(p))), ("annual_limit", ranking.standard.annualLimit(p).map(JSONValue.int) ?? .null),
                    ("entries", .array(pollutantRanking.entries.map { entry in
                        .object([("rank", .int(entry.rank)), ("unit", .string(entry.unit.name)),
                                 ("city", .string(entry.unit.city))] + statistics(entry.current) + [
                            ("last_year", .object([("month", lastYearMonth.map { .string($0.description) } ?? .null)] + statistics(entry.lastYear))),
                            ("change_pct", entry.change.map { .decimal($0, places: 1) } ?? .null),
                            ("change_rank", entry.changeRank.map(JSONValue.int) ?? .null),
                        ])
                    })),
                ])
            })),
        ]
        if let exclusion = ranking.exclusion {
            fields.append(("exceptional_days", .object([
                ("file", .string(exclusion.source)),
                ("excluded", .array(exclusion.entries.map { entry in
                    .object([("date", .string(entry.day.description)), ("kind", .string(entry.kind.rawValue)),
                             ("city", entry.city.map(JSONValue.string) ?? .null), ("note", .string(entry.note))])
                })),
            ])))
        }
        if let composite = ranking.composite {
            fields.append(("composite", .object([
                ("weights", .object(composite.weights.weights.map { ($0.pollutant.key, .decimal($0.weight, places: 2)) })),
                ("entries", .array(composite.entries.map { entry in
                    .object([("rank", .int(entry.rank)), ("unit", .string(entry.unit.name)),
                             ("score", entry.score.map { .decimal($0, places: 2) } ?? .null)])
                })),
            ])))
        }
        fields.append(("coverage", CoverageNotes.json(ranking.coverage, controlPoints: ranking.controlPoints)))
        fields.append(("notes", .array(notes.map(JSONValue.string))))
        return .object(fields)
    }

    /// The report as a JSON document (pretty-printed, ending with a newline).
    public func json() -> String { jsonValue().serialized(pretty: true) + "\n" }
}
