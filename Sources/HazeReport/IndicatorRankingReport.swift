import Foundation
import HazeModel
import HazeAssessment

/// Renders an `IndicatorRanking` (`haze rank --indicator …`) as a terminal
/// table, CSV, JSON, Markdown or HTML, with the formulas, the standards'
/// clauses, the limits used and the validity notes.
public struct IndicatorRankingReport: Sendable {
    /// The ranking rendered.
    public var ranking: IndicatorRanking
    /// The language of titles, headings and notes (the data are the same in both).
    public var language: Language
    var generated: Date
    /// 红黑榜 printed after the ranking (`--top`, `--bottom`).
    public var lists: RedBlackLists?

    /// A rendering of `ranking` in `language`, with red/black `lists` when given; `generated` is the time printed in the footer.
    public init(ranking: IndicatorRanking, language: Language = .zh, generated: Date = Date(), lists: RedBlackLists? = nil) {
        self.ranking = ranking
        self.language = language
        self.generated = generated
        self.lists = lists
    }

    var lang: Language { language }
    var indicator: RankingIndicator { ranking.indicator }
    var periodText: String { lang.period(ranking.months, calendarYear: ranking.validity.isCalendarYear) }
    var limits: AirQualityStandard { ranking.limits }

    var indicatorName: String {
        switch indicator {
        case .pm25, .pm10, .so2, .no2, .co, .o3:
            let p = indicator.pollutant ?? .pm25
            return lang.text("\(p.displayName) \(PollutantStatistic.Kind.of(p).label(p, chinese: true))",
                             "\(p.displayName) \(PollutantStatistic.Kind.of(p).label(p, chinese: false))")
        default: return lang.text(indicator.label, indicator.englishLabel)
        }
    }

    /// The report's title in its language (e.g. `北京市各区2019年1月PM2.5排名`).
    public var title: String {
        let scope = ranking.scope
        switch lang {
        case .zh:
            let subject: String
            switch scope.level {
            case .city: subject = scope.city.map(lang.cityName) ?? "各城市"
            case .station: subject = (scope.city.map(lang.cityName) ?? "") + "各站点"
            default: subject = (scope.city.map(lang.cityName) ?? "") + lang.layerPlural(scope.level)
            }
            return "\(periodText) \(subject) \(lang.text(indicator.label, indicator.englishLabel))排名"
        case .en:
            let subject: String
            switch scope.level {
            case .city: subject = scope.city ?? "cities"
            case .station: subject = (scope.city.map { "\($0) " } ?? "") + "stations"
            default: subject = (scope.city.map { "\($0) " } ?? "") + lang.layerPlural(scope.level)
            }
            return "\(indicator.englishLabel.prefix(1).uppercased() + indicator.englishLabel.dropFirst()) ranking of \(subject), \(periodText)"
        }
    }

    var valueTitle: String {
        switch indicator {
        case .pm25, .pm10, .so2, .no2, .co, .o3:
            let p = indicator.pollutant ?? .pm25
            return lang.text("浓度(\(p.unit))", "\(p.unit)")
        case .composite: return lang.text("综合指数", "Index")
        case .goodDays: return lang.text("优良天数比例(%)", "Good days %")
        case .aqiDays: return lang.text("污染天数", "Polluted days")
        }
    }

    // MARK: Cells

    var columns: [TextTable.Column] {
        var columns: [TextTable.Column] = [.init(lang.text("排名", "Rank"), alignRight: true), .init(lang.unitTitle(ranking.scope.level)),
                                           .init(valueTitle, alignRight: true)]
        switch indicator {
        case .composite:
            columns += CompositeIndex.pollutants.map { .init("I(\($0.displayName))", alignRight: true) }
            columns += [.init(lang.text("首要污染物", "Major")), .init(lang.text("PM指数(部分)", "PM only (partial)"), alignRight: true)]
        case .goodDays, .aqiDays:
            columns += [.init(lang.text("优良天数", "Good days"), alignRight: true),
                        .init(lang.text("污染天数", "Polluted"), alignRight: true),
                        .init(lang.text("有效天数", "Valid days"), alignRight: true)]
            columns += AQILevel.allCases.map { .init(lang.text($0.category, "L\($0.rawValue)"), alignRight: true) }
        default:
            columns += [.init(lang.text("有效天数", "Valid days"), alignRight: true),
                        .init(lang.text("超标天数", "Exceedance days"), alignRight: true)]
        }
        columns += [.init(lang.text("去年同期", "Last year"), alignRight: true),
                    .init(lang.text("去年排名", "Last year's rank"), alignRight: true),
                    .init(indicator == .goodDays ? lang.text("同比(百分点)", "Change (points)")
                          : indicator == .aqiDays ? lang.text("同比(天)", "Change (days)") : lang.text("同比(%)", "Change %"),
                          alignRight: true),
                    .init(lang.text("改善排名", "Rank by change"), alignRight: true),
                    .init(lang.text("备注", "Note"))]
        return columns
    }

    func valueText(_ entry: IndicatorRanking.Entry) -> String {
        guard let value = entry.value else { return "—" }
        let text = indicator.format(value)
        return entry.isValid ? text : "(\(text))"
    }

    func cells(_ entry: IndicatorRanking.Entry) -> [String] {
        var cells = [String(entry.rank), entry.unit.label, valueText(entry)]
        let period = entry.current
        switch indicator {
        case .composite:
            let index = period.composite(limits: limits)
            cells += CompositeIndex.pollutants.map { p in index.singleHundredths(p).map { CompositeIndex.format(hundredths: $0) } ?? "—" }
            cells += [index.major.map(\.displayName).joined(separator: ","),
                      index.pmOnlyHundredths.map { CompositeIndex.format(hundredths: $0) } ?? "—"]
        case .goodDays, .aqiDays:
            let days = period.aqiDays
            cells += [String(days.goodDays), String(days.pollutedDays), String(days.validDays)]
            cells += AQILevel.allCases.map { String(days.byLevel[$0] ?? 0) }
        default:
            let statistic = period.statistic(indicator.pollutant ?? .pm25)
            cells += [String(statistic.validDays), String(statistic.exceedanceDays)]
        }
        cells += [lastYearText(entry), entry.lastYearValid ? String(entry.lastYearRank) : "—",
                  entry.change.map(indicator.formatChange) ?? "—", entry.changeRank.map(String.init) ?? "—", note(entry)]
        return cells
    }

    func lastYearText(_ entry: IndicatorRanking.Entry) -> String {
        guard let value = entry.lastYearValue else { return lang.text("无数据", "no data") }
        return entry.lastYearValid ? indicator.format(value) : "(\(indicator.format(value)))"
    }

    /// Why a unit's value is invalid.
    func note(_ entry: IndicatorRanking.Entry) -> String {
        var notes: [String] = []
        if !entry.isValid {
            // A composite without a value still has data when any of its six statistics has a valid day.
            let partlyThere = indicator == .composite && CompositeIndex.pollutants.contains { entry.current.statistic($0).validDays > 0 }
            if entry.value == nil && !partlyThere {
                notes.append(lang.text("无数据，列于最后", "no data; ranked last"))
            } else {
                notes.append(lang.text("无效：\(reason(entry.current, chinese: true))，列于最后", "invalid: \(reason(entry.current, chinese: false)); ranked last"))
            }
        }
        if entry.unit.isControlPoint { notes.append(lang.text("对照点", "control point")) }
        return notes.joined(separator: "; ")
    }

    func reason(_ period: PeriodIndicators, chinese: Bool) -> String {
        switch indicator {
        case .composite:
            let index = period.composite(limits: limits)
            let names = index.invalid.map(\.displayName).joined(separator: chinese ? "、" : ", ")
            return chinese ? "\(names)统计值无效" : "\(names) not valid"
        case .goodDays, .aqiDays:
            return period.aqiDays.shortfall?.text(chinese) ?? ""
        default:
            return period.statistic(indicator.pollutant ?? .pm25).shortfall?.text(chinese) ?? ""
        }
    }

    /// The notes printed under every format.
    public var notes: [String] {
        var notes: [String] = []
        let months = lang.text("各月有效日均值≥27个（2月≥25）\(ranking.validity.isCalendarYear ? "，全年≥324个" : "")（GB 3095 表4）",
                               "≥ 27 valid daily values in every month (February ≥ 25)\(ranking.validity.isCalendarYear ? " and ≥ 324 in the year" : "") (GB 3095 Table 4)")
        switch indicator {
        case .pm25, .pm10, .so2, .no2, .co, .o3:
            let p = indicator.pollutant ?? .pm25
            let statistic: String
            switch PollutantStatistic.Kind.of(p) {
            case .mean: statistic = lang.text("期间有效日均值的算术平均", "the mean of the period's valid daily means")
            case .percentile95: statistic = lang.text("有效日均值的第95百分位数（HJ 663 附录A：k = 1 + (n−1)·p%）", "the 95th percentile of the valid daily means (HJ 663 Appendix A: k = 1 + (n − 1)·p %)")
            case .percentile90: statistic = lang.text("日最大8小时滑动平均的第90百分位数（HJ 663 附录A；日最大8小时平均需当日8–24时至少14个有效8小时均值，不足而超过160 µg/m³者仍有效，HJ 663 6.1.2）",
                                                      "the 90th percentile of the daily maximum 8-hour means (HJ 663 Appendix A; a day's maximum needs ≥ 14 valid 8-hour means ending at its hours 8–24, or a value above 160 µg/m³, HJ 663 §6.1.2)")
            }
            notes.append(lang.text("\(p.displayName)：\(statistic)，需\(months)；按 GB/T 8170 修约（\(p == .co ? "一位小数，mg/m³" : "整数，µg/m³")）后排名，低者为先，数值相同并列，无效者列于最后。超标天数：日值超过当日适用的二级24小时限值（\(p == .o3 ? "O3 日最大8小时 160" : "\(limits.citation)：\(p.format(Double(limits.dailyLimit(p))))")）的有效天数。",
                                   "\(p.displayName): \(statistic), valid with \(months); rounded (GB/T 8170, \(p == .co ? "one decimal, mg/m³" : "whole µg/m³")) before ranking, lowest first; equal values share a rank; invalid units last. Exceedance days: valid days above the Grade II 24-hour limit in force that day (\(p == .o3 ? "O3 MDA8 160" : "\(limits.citation): \(p.format(Double(limits.dailyLimit(p))))"))."))
        case .composite:
            let s = CompositeIndex.pollutants.map { "S(\($0.displayName)) = \($0.format(Double(limits.compositeLimit($0))))" }.joined(separator: ", ")
            notes.append(lang.text("综合指数 I = Σ Cᵢ/Sᵢ（HJ 663；国家城市空气质量排名规则）：Cᵢ 为修约后的期间统计值（SO2、NO2、PM10、PM2.5 平均浓度，CO 日均值第95百分位数，O3 日最大8小时平均第90百分位数），Sᵢ 为 \(limits.citation) 二级浓度限值（SO2、NO2、PM10、PM2.5 年均，CO 24小时，O3 日最大8小时）：\(s)。单项指数 Iᵢ 保留两位小数显示；I 为各单项指数精确值之和，一次修约至两位小数（GB/T 8170）。首要污染物为 Iᵢ 最大者（并列同列）。六项统计值均有效时才有效。",
                                   "Composite index I = Σ Cᵢ/Sᵢ (HJ 663; the national city ranking rule): Cᵢ are the period's rounded statistics (SO2, NO2, PM10, PM2.5 means; CO 95th percentile of daily means; O3 90th percentile of daily maximum 8-hour means), Sᵢ the \(limits.citation) Grade II limits (annual for SO2, NO2, PM10, PM2.5; 24-hour for CO; daily maximum 8-hour for O3): \(s). Single indices Iᵢ are shown to two decimals; I is the sum of the exact single indices, rounded once to two decimals (GB/T 8170). The major pollutant has the largest Iᵢ (ties jointly). Valid only when all six statistics are valid."))
            notes.append(lang.text("PM指数(部分) = C(PM2.5)/S(PM2.5) + C(PM10)/S(PM10)，仅含颗粒物，不是综合指数。",
                                   "PM only (partial) = C(PM2.5)/S(PM2.5) + C(PM10)/S(PM10): particulates only, not the composite index."))
            notes.append(ranking.limitsForced
                         ? lang.text("本期与去年同期均使用指定的 \(limits.citation) 限值。", "Both this period and last year's use the \(limits.citation) limits, as asked.")
                         : lang.text("限值取期末适用的 \(limits.citation)；去年同期使用同一组限值，使同比只反映浓度变化。",
                                     "Limits: \(limits.citation), in force on the period's last day; last year's period uses the same limits, so the change reflects concentrations, not a change of standard."))
        case .goodDays, .aqiDays:
            notes.append(lang.text("日AQI依当日适用的 HJ 633（2026-03-01 起为 HJ 633—2026）：SO2、NO2、CO、PM10、PM2.5 日均值与 O3 日最大8小时平均（HJ 633—2012 另含 O3 日最大1小时）先按 GB/T 8170 修约，IAQI 向上取整，AQI 取最大；六项均有效或 AQI>100 时为有效天。优良天数：AQI≤100；污染天数：AQI>100；优良天数比例 = 优良天数/有效天数×100%，保留一位小数。需\(months)。",
                                   "Daily AQI by the HJ 633 edition in force that day (HJ 633—2026 from 2026-03-01): the SO2, NO2, CO, PM10, PM2.5 daily means and the O3 daily maximum 8-hour mean (HJ 633—2012 also the O3 daily maximum 1-hour value) rounded (GB/T 8170), IAQI rounded up, the AQI the largest; a valid AQI day has all six valid or an AQI above 100. Good days: AQI ≤ 100; polluted days: AQI > 100; good-day ratio = good / valid days × 100 %, one decimal. Valid with \(months)."))
            notes.append(indicator == .goodDays ? lang.text("按优良天数比例排名，高者为先。", "Ranked by the good-day ratio, highest first.")
                                                : lang.text("按污染天数排名，少者为先。", "Ranked by polluted days, fewest first."))
        }
        notes.append(lang.text("同比：\(indicator == .goodDays ? "本期与去年同期之差（百分点）" : indicator == .aqiDays ? "本期与去年同期之差（天）" : "(本期−去年同期)/去年同期×100%，按修约后数值计算，保留一位小数")，负值为改善\(indicator == .goodDays ? "（比例为正值为改善）" : "")；改善排名以改善最大者为第1。",
                               "Change: \(indicator == .goodDays ? "this period minus last year's (percentage points)" : indicator == .aqiDays ? "this period minus last year's (days)" : "(this − last year) / last year × 100, from the rounded values, one decimal"); \(indicator == .goodDays ? "positive = improved" : "negative = improved"); rank by change: most improved first."))
        if ranking.order == .change {
            notes.append(lang.text("按同比变化排序：改善最大者在前，无同比者列于最后。", "Ordered by change: most improved first; units without a change last."))
        }
        if let exclusion = ranking.exclusion { notes.append(lang.exclusionNote(exclusion, period: periodText)) }
        notes += listNotes
        if !ranking.lastYearHasData {
            notes.append(lang.text("去年同期无数据，同比及改善排名无法计算。", "No data for the same period last year: change and rank by change cannot be computed."))
        }
        return notes
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
        var table = TextTable(columns: columns)
        for entry in ranking.entries { table.append(cells(entry)) }
        var out = title + "\n\n" + table.render(omittingEmptyColumns: true)
        for listing in lists?.listings ?? [] {
            var listTable = TextTable(columns: listColumns)
            for place in listing.places { listTable.append(listCells(place)) }
            out += "\n" + listHeading(listing) + "\n" + (listing.places.isEmpty ? lang.text("（无）", "(none)") + "\n" : listTable.render(omittingEmptyColumns: false))
        }
        out += "\n" + notes.map { "* " + $0 }.joined(separator: "\n") + "\n"
        return TerminalText.sanitized(out, keepingNewlines: true)
    }

    /// The report as Markdown (table cells escaped), with title and notes.
    public func markdown() -> String {
        func row(_ cells: [String]) -> String { "| " + cells.map(MarkdownText.escape).joined(separator: " | ") + " |\n" }
        var out = "## \(MarkdownText.escape(title))\n\n" + row(columns.map(\.title))
        out += "|" + columns.map { $0.alignRight ? "---:|" : "---|" }.joined() + "\n"
        for entry in ranking.entries { out += row(cells(entry)) }
        for listing in lists?.listings ?? [] {
            out += "\n### \(MarkdownText.escape(listHeading(listing)))\n\n"
            if listing.places.isEmpty { out += lang.text("（无）", "(none)") + "\n"; continue }
            out += row(listColumns.map(\.title)) + "|" + listColumns.map { $0.alignRight ? "---:|" : "---|" }.joined() + "\n"
            for place in listing.places { out += row(listCells(place)) }
        }
        out += "\n" + notes.map { "- " + MarkdownText.escape($0) + "\n" }.joined()
        out += "\n_\(generatedText)_\n"
        return out
    }

    package static let csvHeader = ["indicator", "period", "level", "rank", "unit", "city", "value", "valid", "value_of_invalid",
                                   "last_year_value", "last_year_valid", "last_year_rank", "change", "change_rank",
                                   "valid_days", "exceedance_days", "statistic",
                                   "i_so2", "i_no2", "i_pm10", "i_pm2.5", "i_co", "i_o3", "major", "pm_only_index", "limits",
                                   "good_days", "polluted_days", "valid_aqi_days"] + AQILevel.allCases.map { "level_\($0.rawValue)" }
                                   + ["attains_grade_ii", "lists"]

    /// The rows as CSV (RFC 4180, a header line first; cells that would start a spreadsheet formula are neutralised).
    public func csv() -> String { csvRecords().map { CSVWriter.line($0) }.joined() }

    /// The CSV's records, header first (also the workbook's ranking sheet).
    func csvRecords() -> [[String]] {
        var out = [Self.csvHeader]
        for entry in ranking.entries {
            let period = entry.current
            var cells = [indicator.rawValue, ranking.label, ranking.scope.level.rawValue, String(entry.rank), entry.unit.name,
                         entry.unit.city, entry.isValid ? entry.value.map(indicator.format) ?? "" : "", entry.isValid ? "true" : "false",
                         !entry.isValid ? entry.value.map(indicator.format) ?? "" : "",
                         entry.lastYearValid ? entry.lastYearValue.map(indicator.format) ?? "" : "", entry.lastYearValid ? "true" : "false",
                         entry.lastYearValid ? String(entry.lastYearRank) : "", entry.change.map(indicator.formatChange) ?? "",
                         entry.changeRank.map(String.init) ?? ""]
            if let p = indicator.pollutant {
                let statistic = period.statistic(p)
                cells += [String(statistic.validDays), String(statistic.exceedanceDays), statistic.kind.rawValue]
            } else {
                cells += ["", "", ""]
            }
            if indicator == .composite {
                let index = period.composite(limits: limits)
                cells += CompositeIndex.pollutants.map { p in index.singleHundredths(p).map { CompositeIndex.format(hundredths: $0) } ?? "" }
                cells += [index.major.map(\.displayName).joined(separator: ","),
                          index.pmOnlyHundredths.map { CompositeIndex.format(hundredths: $0) } ?? "", limits.setName]
            } else {
                cells += Array(repeating: "", count: 9)
            }
            if indicator == .goodDays || indicator == .aqiDays {
                let days = period.aqiDays
                cells += [String(days.goodDays), String(days.pollutedDays), String(days.validDays)]
                cells += AQILevel.allCases.map { String(days.byLevel[$0] ?? 0) }
            } else {
                cells += Array(repeating: "", count: 3 + AQILevel.allCases.count)
            }
            cells += [entry.attainsGradeII.map { $0 ? "true" : "false" } ?? "", listsText(entry)]
            out.append(cells)
        }
        return out
    }

    func statisticJSON(_ statistic: PollutantStatistic) -> JSONValue {
        let p = statistic.pollutant
        return .object([
            ("statistic", .string(statistic.kind.rawValue)), ("unit", .string(p.unit)),
            ("value", statistic.published.map { .decimal(p.displayValue(Double($0)), places: p.decimals) } ?? .null),
            ("exact", statistic.exact.map { .decimal(p.displayValue($0), places: 4) } ?? .null),
            ("valid", .bool(statistic.isValid)), ("valid_days", .int(statistic.validDays)),
            ("valid_days_by_month", .array(statistic.validDaysByMonth.map(JSONValue.int))),
            ("invalid_because", statistic.shortfall.map { .string($0.text(false)) } ?? .null),
            ("exceedance_days", .int(statistic.exceedanceDays)),
        ])
    }

    func hundredths(_ value: Int?) -> JSONValue { value.map { .decimal(Double($0) / 100, places: 2) } ?? .null }

    func compositeJSON(_ index: CompositeIndex) -> JSONValue {
        var single: [(String, JSONValue)] = []
        for p in CompositeIndex.pollutants { single.append((p.key, hundredths(index.singleHundredths(p)))) }
        let fields: [(String, JSONValue)] = [
            ("value", hundredths(index.totalHundredths)),
            ("single", .object(single)),
            ("major", .array(index.major.map { .string($0.displayName) })),
            ("attains_grade_ii", index.attainsGradeII.map(JSONValue.bool) ?? .null),
            ("pm_only_index_partial", hundredths(index.pmOnlyHundredths)),
            ("invalid", .array(index.invalid.map { .string($0.displayName) })),
        ]
        return .object(fields)
    }

    func aqiDaysJSON(_ days: AQIDayCounts) -> JSONValue {
        var levels: [(String, JSONValue)] = []
        for level in AQILevel.allCases { levels.append((String(level.rawValue), .int(days.byLevel[level] ?? 0))) }
        var primary: [(String, JSONValue)] = []
        for item in AQIComponent.allCases { if let n = days.primaryDays[item] { primary.append((item.rawValue, .int(n))) } }
        let ratio: JSONValue = days.goodRatioTenths.map { .decimal(Double($0) / 10, places: 1) } ?? .null
        let fields: [(String, JSONValue)] = [
            ("valid_days", .int(days.validDays)), ("good_days", .int(days.goodDays)),
            ("polluted_days", .int(days.pollutedDays)), ("good_ratio_pct", ratio), ("valid", .bool(days.isValid)),
            ("days_by_level", .object(levels)), ("primary_days", .object(primary)),
        ]
        return .object(fields)
    }

    func periodJSON(_ period: PeriodIndicators) -> JSONValue {
        var pollutants: [(String, JSONValue)] = []
        for p in Pollutant.allCases { pollutants.append((p.key, statisticJSON(period.statistic(p)))) }
        let fields: [(String, JSONValue)] = [
            ("pollutants", .object(pollutants)),
            ("composite", compositeJSON(period.composite(limits: limits))),
            ("aqi_days", aqiDaysJSON(period.aqiDays)),
        ]
        return .object(fields)
    }

    func scaled(_ value: Int?) -> JSONValue {
        value.map { .decimal(Double($0) / pow10(indicator.decimals), places: indicator.decimals) } ?? .null
    }

    func entryJSON(_ entry: IndicatorRanking.Entry) -> JSONValue {
        let change: JSONValue = entry.change.map { indicator == .aqiDays ? .int($0) : .decimal(Double($0) / 10, places: 1) } ?? .null
        let fields: [(String, JSONValue)] = [
            ("rank", .int(entry.rank)), ("unit", .string(entry.unit.name)), ("city", .string(entry.unit.city)),
            ("value", entry.isValid ? scaled(entry.value) : .null), ("valid", .bool(entry.isValid)),
            ("value_of_invalid", entry.isValid ? .null : scaled(entry.value)),
            ("last_year_value", entry.lastYearValid ? scaled(entry.lastYearValue) : .null),
            ("last_year_valid", .bool(entry.lastYearValid)),
            ("last_year_rank", entry.lastYearValid ? .int(entry.lastYearRank) : .null),
            ("change", change), ("change_rank", entry.changeRank.map(JSONValue.int) ?? .null),
            ("attains_grade_ii", entry.attainsGradeII.map(JSONValue.bool) ?? .null),
            ("current", periodJSON(entry.current)), ("last_year", periodJSON(entry.lastYear)),
        ]
        return .object(fields)
    }

    func jsonValue() -> JSONValue {
        var s: [(String, JSONValue)] = []
        for p in CompositeIndex.pollutants {
            s.append((p.key, .decimal(p.displayValue(Double(limits.compositeLimit(p))), places: p.decimals)))
        }
        let limitFields: [(String, JSONValue)] = [("set", .string(limits.setName)), ("citation", .string(limits.citation)),
                                                  ("forced", .bool(ranking.limitsForced)), ("s", .object(s))]
        let fields: [(String, JSONValue)] = [
            ("title", .string(title)), ("indicator", .string(indicator.rawValue)), ("period", .string(ranking.label)),
            ("months", .array(ranking.months.map { .string($0.description) })),
            ("last_year_months", .array(ranking.lastYearMonths.map { .string($0.description) })),
            ("level", .string(ranking.scope.level.rawValue)), ("city", ranking.scope.city.map(JSONValue.string) ?? .null),
            ("limits", .object(limitFields)),
            ("higher_is_better", .bool(indicator.higherIsBetter)), ("decimals", .int(indicator.decimals)),
            ("order", .string(ranking.order.rawValue)),
            ("entries", .array(ranking.entries.map(entryJSON))),
            ("lists", listsJSON),
            ("excluded_days", exclusionJSON),
            ("notes", .array(notes.map(JSONValue.string))),
        ]
        return .object(fields)
    }

    func pow10(_ n: Int) -> Double { n == 0 ? 1 : (n == 1 ? 10 : 100) }

    /// The report as a JSON document (pretty-printed, ending with a newline).
    public func json() -> String { jsonValue().serialized(pretty: true) + "\n" }

    /// The report as one self-contained HTML page (inline CSS and SVG charts, nothing fetched).
    public func html() -> String {
        var chart: BarChart?
        if let p = indicator.pollutant, p != .co {
            let limit = p == .o3 ? limits.dailyLimit(.o3) : limits.compositeLimit(p)
            chart = BarChart(title: title, bars: ranking.entries.map { .init(label: $0.unit.label, value: $0.value, valid: $0.isValid) },
                             limit: limit,
                             limitLabel: p == .o3 ? lang.text("\(limits.citation) 二级日最大8小时平均限值 \(limit)（第90百分位数的参照）",
                                                              "\(limits.citation) Grade II MDA8 limit \(limit) (the reference for the 90th percentile)")
                                                  : lang.text("\(limits.citation) 二级年平均限值 \(limit)", "\(limits.citation) Grade II annual limit \(limit)"),
                             valueLabel: lang.text("\(indicatorName)（\(p.unit)）", "\(indicatorName) (\(p.unit))"),
                             invalidLabel: lang.text("有效天数不足：括号内为参考值，列于最后", "too few valid days: value in parentheses, ranked last"),
                             unitLabel: p.unit, color: RankingHTML.color(p))
        }
        let section = RankingHTML.Section(heading: title, chart: chart, columns: columns, rows: ranking.entries.map(cells),
                                          muted: Set(ranking.entries.indices.filter { !ranking.entries[$0].isValid }))
        let listSections = (lists?.listings ?? []).map { listing in
            RankingHTML.Section(heading: listHeading(listing), chart: nil, columns: listColumns,
                                rows: listing.places.map(listCells), muted: [])
        }
        let subtitle = lang.text("依据 \(limits.citation)、HJ 633、HJ 663；\(indicatorName)", "After \(limits.citation), HJ 633 and HJ 663; \(indicatorName)")
        return RankingHTML(title: title, subtitle: subtitle, sections: [section] + listSections, notes: notes,
                           footer: generatedText + " · haze \(HazeVersion.current)", language: lang).document
    }
}
