import HazeModel
import HazeAlerts

/// The site's index and alert pages, and the links every page carries.
enum SitePage {
    static func navigation(from here: String, language: Language) -> String {
        let links = [(language.text("首页", "Home"), SitePath.index), (language.text("全市", "City"), SitePath.city),
                     (language.text("当前告警", "Current alerts"), SitePath.alerts)]
        return "<nav class=\"crumbs\">" + links.map {
            "<a href=\"\(HTMLText.escape(SitePath.link(from: here, to: $0.1)))\">\(HTMLText.escape($0.0))</a>"
        }.joined() + "</nav>\n"
    }

    static func navigationLinks(from here: String, language: Language) -> [(label: String, href: String)] {
        [(language.text("首页", "Home"), SitePath.link(from: here, to: SitePath.index)),
         (language.text("全市", "City"), SitePath.link(from: here, to: SitePath.city)),
         (language.text("当前告警", "Current alerts"), SitePath.link(from: here, to: SitePath.alerts))]
    }

    static func link(_ label: String, from here: String, to path: String) -> String {
        "<a href=\"\(HTMLText.escape(SitePath.link(from: here, to: path)))\">\(HTMLText.escape(label))</a>"
    }

    /// Months by year (newest first) with the year's page, and every unit.
    static func index(city: String, months: [Month], yearPages: [Int], units: [SiteUnit], stations: [SiteUnit],
                      language: Language) -> String {
        let lang = language
        let title = lang.text("\(lang.cityName(city))空气质量", "Air quality in \(city)")
        var out = HTMLDocument.head(title: title, language: lang)
        out += "<h1>\(HTMLText.escape(title))</h1>\n"
        out += "<p class=\"subtitle\">\(link(lang.text("全市", "The city"), from: SitePath.index, to: SitePath.city)) · \(link(lang.text("当前告警", "Current alerts"), from: SitePath.index, to: SitePath.alerts))</p>\n"
        out += "<section class=\"keep\">\n<h2>\(HTMLText.escape(lang.text("月度排名", "Monthly rankings")))</h2>\n<ul class=\"cards\">\n"
        for year in Set(months.map(\.year)).sorted(by: >) {
            let inYear = months.filter { $0.year == year }.sorted()
            out += "<li><strong>\(year)</strong>"
            if yearPages.contains(year) {
                out += " · " + link(lang.text("年度排名", "the year"), from: SitePath.index, to: SitePath.year(year))
            }
            out += "<br>" + inYear.map { link(lang.text("\($0.month)月", monthName($0.month)), from: SitePath.index, to: SitePath.month($0)) }
                .joined(separator: " ") + "</li>\n"
        }
        out += "</ul>\n</section>\n"
        for (heading, list) in [(lang.text("各区", "Districts"), units), (lang.text("各站点", "Stations"), stations)] where !list.isEmpty {
            out += "<section class=\"keep\">\n<h2>\(HTMLText.escape(heading))</h2>\n<ul class=\"cards\">\n"
            for unit in list { out += "<li>\(link(unit.title, from: SitePath.index, to: unit.path))</li>\n" }
            out += "</ul>\n</section>\n"
        }
        out += "<footer>haze \(HazeVersion.current)</footer>\n</body>\n</html>\n"
        return out
    }

    static func monthName(_ month: Int) -> String {
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][max(0, min(11, month - 1))]
    }

    /// One open alert episode with its latest logged report.
    struct Alert {
        var episode: OpenEpisode
        var report: LoggedReport?
    }

    /// The city's open alert episodes, most severe first.
    static func alerts(city: String, alerts: [Alert], problem: String?, zone: LocalZone, language: Language) -> String {
        let lang = language
        let title = lang.text("\(lang.cityName(city))当前告警", "Current alerts, \(city)")
        var out = HTMLDocument.head(title: title, language: lang)
        out += navigation(from: SitePath.alerts, language: lang)
        out += "<h1>\(HTMLText.escape(title))</h1>\n"
        if let problem {
            out += "<p class=\"alert critical\">\(HTMLText.escape(lang.text("告警状态无法读取：", "The alert state cannot be read: ") + problem))</p>\n"
        }
        if alerts.isEmpty && problem == nil {
            out += "<p>\(HTMLText.escape(lang.text("当前无未结束的告警。", "No alert episode is open.")))</p>\n"
        }
        let order: [String: Int] = ["critical": 0, "warning": 1, "info": 2]
        let sorted = alerts.sorted {
            (order[$0.report?.severity ?? ""] ?? 3, $0.episode.subject, $0.episode.rule) < (order[$1.report?.severity ?? ""] ?? 3, $1.episode.subject, $1.episode.rule)
        }
        if !alerts.isEmpty {
            let counts = ["critical", "warning", "info"].compactMap { level -> String? in
                let n = alerts.filter { ($0.report?.severity ?? "info") == level }.count
                return n == 0 ? nil : "\(level) \(n)"
            }.joined(separator: ", ")
            out += "<p class=\"subtitle\">\(HTMLText.escape(lang.text("未结束的告警 \(alerts.count) 条（\(counts)）", "\(alerts.count) open episodes (\(counts))")))</p>\n"
        }
        for alert in sorted {
            let severity = alert.report?.severity ?? "info"
            let message = lang == .zh ? alert.report?.messageZH : alert.report?.messageEN
            let since = zone.format(Hour(alert.episode.since))
            let last = zone.format(Hour(alert.episode.lastReported))
            let who = alert.report.map { $0.name.isEmpty || $0.name == $0.subject ? $0.subject : "\($0.subject) \($0.name)" } ?? alert.episode.subject
            out += "<div class=\"alert \(HTMLText.escape(["critical", "warning", "info"].contains(severity) ? severity : "info"))\">"
            out += "<strong>\(HTMLText.escape(who))</strong> · \(HTMLText.escape(alert.episode.rule))"
            if let level = alert.report?.level { out += " · \(HTMLText.escape(level))" }
            out += "<br>\(HTMLText.escape(message ?? lang.text("（日志中未找到该告警的报告）", "(no report of this episode found in the log)")))"
            out += "<br><small>\(HTMLText.escape(lang.text("开始 \(since)，最近报告 \(last)", "since \(since), last reported \(last)")))</small></div>\n"
        }
        out += "<footer>haze \(HazeVersion.current)</footer>\n</body>\n</html>\n"
        return out
    }
}
