import HazeModel
import HazeRegistry
import HazeStore
import HazeAssessment

/// What to draw: a kind of chart for a subject (or, for a bump chart, the
/// units of a ranking scope), pollutants, a period and options. `chart(store:registry:)`
/// reads the store through the assessment's public API only (`StationQuery`,
/// `MonthlyRanking`) and returns the chart, ready to draw at any width.
public struct PlotRequest: Sendable {
    /// The kind of chart.
    public var kind: PlotKind
    /// The station, district or city (every kind but `bump`).
    public var subject: Subject?
    /// Level and city of the units of a bump chart.
    public var scope: RankingScope
    /// The pollutants drawn.
    public var pollutants: [Pollutant]
    /// Inclusive local dates.
    public var from: CivilDate
    /// The last local date (inclusive).
    public var to: CivilDate
    /// Time series and ratio: hour, day or month (ratio: hour or day).
    public var resolution: Resolution
    /// Time series: colour band of each day's AQI category under the plot.
    public var aqiBand: Bool
    /// Bump chart: the unit drawn in colour (the others grey).
    public var highlight: String?
    /// The language of titles, axes and legends.
    public var language: Language

    /// A chart of `kind` for `subject` (nil for a bump chart, which draws the units of `scope`) over `from` … `to` (inclusive local dates); `aqiBand` draws the AQI level bands behind the values.
    public init(kind: PlotKind, subject: Subject?, scope: RankingScope = RankingScope(), pollutants: [Pollutant],
                from: CivilDate, to: CivilDate, resolution: Resolution = .day, aqiBand: Bool = false,
                highlight: String? = nil, language: Language = .zh) {
        self.kind = kind
        self.subject = subject
        self.scope = scope
        self.pollutants = pollutants
        self.from = from
        self.to = to
        self.resolution = resolution
        self.aqiBand = aqiBand
        self.highlight = highlight
        self.language = language
    }

    /// The most units a bump chart draws legibly.
    static let bumpUnitLimit = 40

    var lang: Language { language }

    /// Reads the data and builds the chart. Throws a `QueryError` for an unknown subject, a period that ends before it starts, a range the store does not hold, or damaged rows.
    public func chart(store: Store, registry: StationRegistry) throws(QueryError) -> any Chart {
        guard from <= to else { throw .noData("the period \(from)…\(to) ends before it starts") }
        if kind == .bump { return try bump(store: store, registry: registry) }
        guard let subject else { throw .noData("name a station, district or city to plot") }
        let name = ChartText.subject(subject, registry: registry, language: lang)
        let period = ChartText.period(from: from, to: to, language: lang)
        switch kind {
        case .timeseries: return try timeSeries(store: store, registry: registry, subject: subject, name: name, period: period)
        case .calendar: return try calendar(store: store, registry: registry, subject: subject, name: name, period: period)
        case .diurnal, .weekday: return try profile(store: store, registry: registry, subject: subject, name: name, period: period)
        case .ratio: return try ratio(store: store, registry: registry, subject: subject, name: name, period: period)
        case .bump: return try bump(store: store, registry: registry)
        }
    }

    func subtitle(_ subject: Subject, resolution: Resolution) -> String {
        [ChartText.validity(resolution, language: lang), ChartText.averaging(subject, language: lang),
         lang.text("限值依据 ", "limits of ") + ChartText.standards(from: from, to: to, language: lang)]
            .joined(separator: lang.text("；", "; "))
    }

    func resolutionWord(_ resolution: Resolution) -> String {
        switch resolution {
        case .hour: lang.text("小时浓度", "hourly values")
        case .day: lang.text("日均浓度", "daily means")
        case .month: lang.text("月均浓度", "monthly means")
        }
    }

    func timeSeries(store: Store, registry: StationRegistry, subject: Subject, name: String, period: String) throws(QueryError) -> TimeSeriesChart {
        let series = try SubjectSeries.load(store: store, registry: registry, subject: subject, pollutants: pollutants,
                                            from: from, to: to, resolution: resolution)
        let panels = pollutants.map { p in
            TimeSeriesChart.Panel(pollutant: p, values: series.validValues(p), limits: series.slots.map { slot in
                let standard = AirQualityStandard.inForce(on: slot.date)
                // Monthly means against the annual limit (a pollutant without one: its 24-hour limit).
                return resolution == .month ? standard.compositeLimit(p) : standard.dailyLimit(p)
            })
        }
        var band: [AQICategory?]?
        var notes: [String] = []
        if aqiBand && resolution != .month {
            let daily = try SubjectSeries.load(store: store, registry: registry, subject: subject, pollutants: DailyAQI.pollutants,
                                               from: from, to: to, resolution: .day)
            let byDate = Dictionary(zip(daily.slots.map(\.date), DailyAQI.categories(daily)), uniquingKeysWith: { a, _ in a })
            band = series.slots.map { byDate[$0.date] ?? nil }
            notes.append(DailyAQI.note(lang))
        }
        if resolution == .month {
            notes.append(lang.text("GB 3095 无月均浓度限值；虚线为当月适用标准的二级年平均限值，仅作参照。",
                                   "GB 3095 sets no monthly limit; the dashed line is the Grade II annual limit of the standard in force that month, for reference only."))
        } else {
            notes.append(lang.text("虚线为各日期适用标准的二级24小时平均限值（GB 3095-2012 至2026-02-28，其后 GB 3095-2026）；小时值不以24小时限值评价，仅作参照。",
                                   "The dashed line is the Grade II 24-hour limit of the standard in force on each date (GB 3095-2012 until 2026-02-28, then GB 3095-2026); hourly values are not judged against it, it is shown for reference."))
        }
        let what = pollutants.map(\.displayName).joined(separator: lang.text("、", ", "))
        return TimeSeriesChart(title: lang.text("\(name) \(what) \(resolutionWord(resolution))（\(period)）", "\(name): \(what) \(resolutionWord(resolution)), \(period)"),
                               subtitle: subtitle(subject, resolution: resolution), slots: series.slots, resolution: resolution,
                               panels: panels, aqiBand: band, notes: notes, language: lang)
    }

    func calendar(store: Store, registry: StationRegistry, subject: Subject, name: String, period: String) throws(QueryError) -> CalendarChart {
        let pollutant = pollutants.first ?? .pm25
        let series = try SubjectSeries.load(store: store, registry: registry, subject: subject, pollutants: [pollutant],
                                            from: from, to: to, resolution: .day)
        let cells = zip(series.slots, series.validValues(pollutant)).map { CalendarChart.Cell(day: Day($0.0.date), value: $0.1) }
        return CalendarChart(
            title: lang.text("\(name) \(pollutant.displayName) 日均浓度日历（\(period)）", "\(name): \(pollutant.displayName) daily means, \(period)"),
            subtitle: [lang.text("颜色为该日浓度按当日适用的 HJ 633 分指数所属空气质量类别", "colour: the AQI category of the day's \(pollutant.displayName) sub-index by the HJ 633 table in force that day"),
                       ChartText.validity(.day, language: lang), ChartText.averaging(subject, language: lang)].joined(separator: lang.text("；", "; ")),
            pollutant: pollutant, cells: cells,
            notes: [lang.text("单元格数值为日均浓度（µg/m³，GB/T 8170 修约为整数）；灰色为无有效日均值（不足20小时），不计为0。",
                              "The number in a cell is the daily mean (µg/m³, rounded by GB/T 8170); grey: no valid daily mean (fewer than 20 hours), never 0.")],
            language: lang)
    }

    func profile(store: Store, registry: StationRegistry, subject: Subject, name: String, period: String) throws(QueryError) -> ProfileChart {
        let series = try SubjectSeries.load(store: store, registry: registry, subject: subject, pollutants: pollutants,
                                            from: from, to: to, resolution: .hour)
        let grouping: ProfileStatistics.Grouping = kind == .diurnal ? .hourOfDay : .weekday
        let what = pollutants.map(\.displayName).joined(separator: lang.text("、", ", "))
        let title = kind == .diurnal ? lang.text("\(name) \(what) 日变化（\(period)）", "\(name): \(what) by hour of day, \(period)")
                                     : lang.text("\(name) \(what) 周变化（\(period)）", "\(name): \(what) by day of week, \(period)")
        var chart = ProfileChart(
            title: title,
            subtitle: [lang.text("期间全部有效小时值的均值与四分位区间", "mean and interquartile range of every valid hourly value of the period"),
                       ChartText.averaging(subject, language: lang)].joined(separator: lang.text("；", "; ")),
            grouping: grouping,
            series: pollutants.map { ProfileChart.Series(pollutant: $0, statistics: ProfileStatistics(slots: series.slots, values: series.values[$0] ?? [], grouping: grouping)) },
            notes: [],
            language: lang)
        chart.zoneLabel = store.zone.description
        let counts = chart.series.flatMap { $0.statistics.groups.map(\.count) }
        let range = (counts.min() ?? 0) == (counts.max() ?? 0) ? "\(counts.min() ?? 0)" : "\(counts.min() ?? 0)–\(counts.max() ?? 0)"
        chart.notes = [lang.text("每组 \(range) 个有效小时值；分位数按线性插值（位置 1+(n−1)p）；样本少时区间仅供参考。",
                                 "\(range) valid hourly values per group; percentiles by linear interpolation (position 1 + (n − 1)p); with few values the band is indicative only.")]
        return chart
    }

    func ratio(store: Store, registry: StationRegistry, subject: Subject, name: String, period: String) throws(QueryError) -> RatioChart {
        let resolution: Resolution = self.resolution == .hour ? .hour : .day
        // Paired by station: a district's PM2.5 and PM10 means can come from
        // different stations on a day one instrument fails, which would make
        // a ratio of 2 out of nothing. Only stations valid for both count.
        var slots: [TimeSlot] = []
        var sums25: [Double] = [], sums10: [Double] = []
        for station in try registry.members(of: subject) {
            let series = try SubjectSeries.load(store: store, registry: registry, subject: .station(station.code),
                                                pollutants: [.pm25, .pm10], from: from, to: to, resolution: resolution)
            if slots.isEmpty {
                slots = series.slots
                sums25 = Array(repeating: 0, count: slots.count)
                sums10 = sums25
            }
            for (i, (a, b)) in zip(series.validValues(.pm25), series.validValues(.pm10)).enumerated() where i < slots.count {
                if let a, let b { sums25[i] += a; sums10[i] += b }
            }
        }
        let ratios = zip(sums25, sums10).map { RatioChart.ratio(pm25: $0 > 0 || $1 > 0 ? $0 : nil, pm10: $1) }
        return RatioChart(
            title: lang.text("\(name) PM2.5/PM10 比值（\(period)）", "\(name): PM2.5/PM10, \(period)"),
            subtitle: [ChartText.validity(resolution, language: lang), lang.text("按站点配对：仅计两项均有效的站点", "paired by station: only stations valid for both count")].joined(separator: lang.text("；", "; ")),
            slots: slots, resolution: resolution, ratios: ratios,
            notes: [lang.text("比值为同一时段、两项均有效的站点 PM2.5 之和与 PM10 之和的比；0.4、0.7 为经验判据（非标准），扬尘、沙尘使比值降低，燃烧与二次生成使其升高。",
                              "The ratio of summed PM2.5 to summed PM10 over the stations valid for both in the same hour or day; 0.4 and 0.7 are heuristics, not standards: dust and sand lower the ratio, combustion and secondary aerosol raise it.")],
            language: lang)
    }

    func bump(store: Store, registry: StationRegistry) throws(QueryError) -> BumpChart {
        let pollutant = pollutants.first ?? .pm25
        let months = Array(Day(from).month ... Day(to).month)
        let scope = RankingScope(level: self.scope.level, city: self.scope.city, pollutants: [pollutant])
        let days = Day(from).month.firstDay ..< Day(to).month.days.upperBound
        let units = try registry.rankingUnits(level: scope.level, city: scope.city, days: days).units
        guard units.count <= Self.bumpUnitLimit else {
            throw .noData("a bump chart of \(units.count) units cannot be read; rank at most \(Self.bumpUnitLimit) (e.g. --level district --city NAME)")
        }
        var ranks: [String: [Int?]] = [:]
        var valid: [String: [Bool]] = [:]
        for month in months {
            // A month no unit has a valid value for is not ranked: every line has a gap there.
            let ranking: MonthlyRanking?
            do {
                ranking = try MonthlyRanking(store: store, registry: registry, month: month, scope: scope)
            } catch where error.isNothingRanked {
                ranking = nil
            }
            let entries = ranking?.ranking(for: pollutant)?.entries ?? []
            for unit in units {
                let entry = entries.first { $0.unit == unit }
                let hasData = (entry?.current.validDays ?? 0) > 0
                ranks[unit.label, default: []].append(hasData ? entry?.rank : nil)
                valid[unit.label, default: []].append(entry?.current.isValid ?? false)
            }
        }
        let lines = units.map { BumpChart.Line(unit: $0.label, ranks: ranks[$0.label] ?? [], valid: valid[$0.label] ?? []) }
        let period = lang.period(months, calendarYear: months.count == 12 && months.first?.month == 1)
        let scopeName = lang.rankingTitle(period: period, scope: scope, pollutants: [pollutant])
        var notes = [lang.text("排名按 GB/T 8170 修约后的月均值升序（低者为先），数值相同并列；月均值需≥27个有效日（2月≥25）。",
                               "Ranks by the rounded monthly mean, lowest first, ties shared; a monthly mean needs ≥ 27 valid days (February ≥ 25).")]
        let never = lines.filter { !$0.valid.contains(true) }.map(\.unit)
        if !never.isEmpty {
            notes.append(lang.text("无任何有效月份：", "No valid month: ") + never.joined(separator: lang.text("、", ", ")))
        }
        return BumpChart(title: lang.text("\(scopeName)：逐月排名", "\(scopeName): monthly ranks"),
                         subtitle: lang.text("依据 ", "After ") + ChartText.standards(from: months.first?.firstDay.date ?? from, to: to, language: lang) + lang.text("、HJ 663", ", HJ 663"),
                         months: months, lines: lines, highlight: highlight, notes: notes, language: lang)
    }
}
