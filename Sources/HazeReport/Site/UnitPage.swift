import HazeModel
import HazeRegistry
import HazeStore
import HazeAssessment

/// The page of one unit (the city, a district, a station): its recent
/// values, calendar, profiles, PM2.5/PM10 ratio, its monthly rank in its
/// level over the year, and its monthly history with links to the rankings.
struct UnitPage {
    var unit: SiteUnit
    /// The store's newest day: every chart's window ends there.
    var newestDay: Day
    /// Month summaries of the unit's level (or any level, for the city), oldest first.
    var history: [MonthSummary]
    var language: Language

    var lang: Language { language }

    /// Days of the daily charts and of the profiles.
    static let dailyWindow = 90
    static let profileWindow = 30
    static let hourlyWindow = 7

    var yearStart: Day { Day(CivilDate(year: newestDay.date.year, month: 1, day: 1) ?? newestDay.date) }

    /// The newest hour in which any of the unit's stations has a value, looked for over the profile window.
    static func newestHour(store: Store, stations: [Station], before newest: Hour) -> Hour? {
        let series = stations.flatMap { s in Pollutant.allCases.compactMap { store.index(of: SeriesKey(station: s.code, pollutant: $0)) } }
        var hour = newest
        for _ in 0 ..< profileWindow * 24 {
            if series.contains(where: { store.value($0, at: hour) != nil }) { return hour }
            hour = hour.advanced(by: -1)
        }
        return nil
    }

    /// The fingerprint of the page's inputs: its stations' hourly values over
    /// the profile window, their daily values since the start of the year and
    /// over the daily window, the newest day, and the history it shows.
    static func inputs(store: Store, unit: SiteUnit, newestDay: Day, historyKey: String, options: String) -> String {
        var f = Fingerprint()
        f.add("unit-page-1 " + HazeVersion.current + " " + options)
        f.add(unit.path + "|" + unit.title + "|" + unit.rankingLabel)
        f.add(newestDay.index)
        f.add(historyKey)
        let series = unit.stations.flatMap { s in Pollutant.allCases.map { store.index(of: SeriesKey(station: s.code, pollutant: $0)) ?? -1 } }
        for station in unit.stations { f.add(station.code) }
        let firstHour = store.zone.firstHour(of: newestDay.advanced(by: -(profileWindow - 1)))
        let endHour = store.zone.firstHour(of: newestDay.advanced(by: 1))
        for hour in firstHour ..< endHour {
            for s in series { f.add(s < 0 ? -1 : store.value(s, at: hour) ?? -1) }
        }
        let yearStart = Day(CivilDate(year: newestDay.date.year, month: 1, day: 1) ?? newestDay.date)
        let firstDay = min(yearStart, newestDay.advanced(by: -(dailyWindow - 1)))
        for day in firstDay ... newestDay {
            for s in series {
                let value = s < 0 ? DailyValue.empty : store.daily(s, on: day)
                f.add(value.sum << 5 | value.validHours)
            }
        }
        return f.hex
    }

    func html(store: Store, registry: StationRegistry, newestHour: Hour?) throws(QueryError) -> String {
        let here = unit.path
        let title: String
        switch unit.kind {
        case .city: title = unit.title
        case .district: title = lang.text("\(unit.title)（\(lang.cityName(unit.stations.first?.city ?? ""))）", "\(unit.title), \(unit.stations.first?.city ?? "")")
        case .station: title = unit.title
        }
        var out = HTMLDocument.head(title: title, language: lang)
        out += SitePage.navigation(from: here, language: lang)
        out += "<h1>\(HTMLText.escape(title))</h1>\n"
        let asOf = newestHour.map { lang.text("最新数据：", "Newest data: ") + store.zone.format($0) }
            ?? lang.text("近\(Self.profileWindow)天无数据", "no data in the last \(Self.profileWindow) days")
        let members = unit.kind == .station ? "" : lang.text(" · 评价点位：", " · assessment stations: ")
            + unit.stations.map { $0.name.isEmpty ? $0.code : "\($0.code) \($0.name)" }.joined(separator: lang.text("、", ", "))
        out += "<p class=\"subtitle\">\(HTMLText.escape(asOf + members))</p>\n"
        let day = newestDay.date
        func request(_ kind: PlotKind, from: Day, resolution: Resolution = .day, pollutants: [Pollutant] = Pollutant.allCases,
                     band: Bool = false) -> PlotRequest {
            PlotRequest(kind: kind, subject: unit.subject, pollutants: pollutants, from: from.date, to: day,
                        resolution: resolution, aqiBand: band, language: lang)
        }
        let charts: [(String, any Chart)] = [
            ("daily", try request(.timeseries, from: newestDay.advanced(by: -(Self.dailyWindow - 1)), band: true).chart(store: store, registry: registry)),
            ("hourly", try request(.timeseries, from: newestDay.advanced(by: -(Self.hourlyWindow - 1)), resolution: .hour).chart(store: store, registry: registry)),
            ("calendar", try request(.calendar, from: yearStart, pollutants: [.pm25]).chart(store: store, registry: registry)),
            ("diurnal", try request(.diurnal, from: newestDay.advanced(by: -(Self.profileWindow - 1))).chart(store: store, registry: registry)),
            ("weekday", try request(.weekday, from: newestDay.advanced(by: -(Self.profileWindow - 1))).chart(store: store, registry: registry)),
            ("ratio", try request(.ratio, from: newestDay.advanced(by: -(Self.dailyWindow - 1))).chart(store: store, registry: registry)),
        ]
        var sections = charts.map { ($0.0, $0.1.title, ChartFigure(chart: $0.1, id: $0.0, heading: nil).html) }
        if let bump = bumpChart() {
            sections.append(("bump", bump.title, ChartFigure(chart: bump, id: "bump", heading: nil).html))
        }
        for (i, section) in sections.enumerated() {
            out += "<section\(i == 0 ? " class=\"keep\"" : "") id=\"\(section.0)\">\n<h2>\(HTMLText.escape(section.1))</h2>\n\(section.2)</section>\n"
        }
        out += "<section id=\"history\">\n<h2>\(HTMLText.escape(lang.text("逐月数据", "Month by month")))</h2>\n"
        out += historyTable(from: here)
        out += "</section>\n"
        out += "<footer>\(HTMLText.escape(lang.text("单位 µg/m³；依据 GB 3095、HJ 663、HJ 633（按日期适用的版本）", "µg/m³; after GB 3095, HJ 663 and HJ 633 (the edition in force on each date)"))) · haze \(HazeVersion.current)</footer>\n</body>\n</html>\n"
        return out
    }

    /// The unit's rank month by month this year, among the units of its level.
    func bumpChart() -> BumpChart? {
        guard let level = unit.level else { return nil }
        let months = history.filter { $0.month.year == newestDay.date.year && $0.level == level }
        guard !months.isEmpty, let pollutantUnits = months.last?.rankings[.pm25], pollutantUnits.count <= PlotRequest.bumpUnitLimit else { return nil }
        let names = pollutantUnits.map(\.unit).sorted()
        let lines = names.map { name in
            BumpChart.Line(unit: name,
                           ranks: months.map { m in m.entry(.pm25, unit: name).flatMap { $0.validDays > 0 ? $0.rank : nil } },
                           valid: months.map { m in m.entry(.pm25, unit: name)?.valid ?? false })
        }
        let scope = RankingScope(level: level, city: unit.stations.first?.city, pollutants: [.pm25])
        let period = lang.period(months.map(\.month), calendarYear: months.count == 12)
        return BumpChart(title: lang.rankingTitle(period: period, scope: scope, pollutants: [.pm25]) + lang.text("：逐月排名", ": monthly ranks"),
                         subtitle: lang.text("突出显示：", "Highlighted: ") + unit.rankingLabel, months: months.map(\.month), lines: lines,
                         highlight: unit.rankingLabel,
                         notes: [lang.text("排名按 GB/T 8170 修约后的月均值升序，数值相同并列；月均值需≥27个有效日（2月≥25）。",
                                           "Ranks by the rounded monthly mean, lowest first, ties shared; a monthly mean needs ≥ 27 valid days (February ≥ 25).")],
                         language: lang)
    }

    func historyTable(from here: String) -> String {
        var columns: [TextTable.Column] = [.init(lang.text("月份", "Month"))]
        for p in Pollutant.allCases {
            columns.append(.init(p.displayName, alignRight: true))
            if unit.level != nil { columns.append(.init(lang.text("\(p.displayName)排名", "\(p.displayName) rank"), alignRight: true)) }
            columns.append(.init(lang.text("\(p.displayName)有效天数", "\(p.displayName) valid days"), alignRight: true))
        }
        var rows: [[String]] = []
        var muted: Set<Int> = []
        var links: [Int: String] = [:]
        for summary in history.reversed() where unit.level == nil || summary.level == unit.level {
            let entries = Pollutant.allCases.map { unit.level == nil ? summary.city[$0] : summary.entry($0, unit: unit.rankingLabel) }
            guard entries.contains(where: { ($0?.validDays ?? 0) > 0 }) else { continue }
            var row = [summary.month.description]
            var anyInvalid = false
            for p in Pollutant.allCases {
                let entry = unit.level == nil ? summary.city[p] : summary.entry(p, unit: unit.rankingLabel)
                guard let entry, entry.validDays > 0 else {
                    row += unit.level == nil ? ["—", "0"] : ["—", "—", "0"]
                    anyInvalid = true
                    continue
                }
                row.append(entry.rounded.map { entry.valid ? String($0) : "(\($0))" } ?? "—")
                if unit.level != nil {
                    let count = summary.rankings[p]?.count ?? 0
                    row.append(entry.valid ? "\(entry.rank)/\(count)" : lang.text("无效", "invalid"))
                }
                row.append("\(entry.validDays)/\(entry.requiredDays)")
                if !entry.valid { anyInvalid = true }
            }
            if anyInvalid { muted.insert(rows.count) }
            links[rows.count] = SitePath.link(from: here, to: SitePath.month(summary.month))
            rows.append(row)
        }
        guard !rows.isEmpty else { return "<p>\(HTMLText.escape(lang.text("暂无月度数据。", "No monthly data yet.")))</p>\n" }
        var html = HTMLTable(columns: columns, rows: rows, muted: muted, stickyColumn: 0).html
        // The month cells link to the month's ranking.
        for (i, row) in rows.enumerated() {
            guard let link = links[i] else { continue }
            let cell = "<td class=\"unit\">\(HTMLText.escape(row[0]))</td>"
            html = html.replacingOccurrences(of: cell, with: "<td class=\"unit\"><a href=\"\(HTMLText.escape(link))\">\(HTMLText.escape(row[0]))</a></td>")
        }
        return html + "<p class=\"small\">" + HTMLText.escape(lang.text("括号内为有效天数不足的参考值；有效天数为“有效/所需”。", "Values in parentheses have too few valid days; valid days are shown as valid/required.")) + "</p>\n"
    }
}
