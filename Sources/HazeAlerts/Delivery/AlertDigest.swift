import HazeModel

/// A chat message summing up reports from the head of an outbox, made to
/// fit a receiver's limit: a header (how many, of which severity), as many
/// reports in full as fit — the most severe first —, and the rest folded into
/// counts ("另有 37 条 PM10 告警"), with where to read them in full.
///
///     【空气质量】haze 告警 2019-02-28 23:00：658 条（严重 49，警告 462，提示 147）
///     [严重] 万寿西宫（1001A）PM2.5 连续3小时≥250 µg/m³，当前 268 µg/m³
///     …
///     另有 160 条 PM2.5 告警、145 条 station-silent 告警……
///     详见：https://… （或 haze alert log）
///
/// A message carries at most `maxReports` of the outbox's first lines; it
/// never exceeds the limit (`fits` decides, as the receiver's API counts):
/// a report too long on its own is cut with "…", and when even the counts do
/// not fit they become one total.
public struct AlertDigest: Sendable {
    /// How messages look.
    public struct Style: Sendable, Equatable {
        /// The language reports are written in.
        public var language: Language
        /// Markdown (WeCom, DingTalk markdown) or plain text.
        public var markdown: Bool
        /// Put first in the header: DingTalk and Feishu robots with keyword security refuse messages without one.
        var keyword: String?
        /// Where folded reports can be read in full (a dashboard, the bureau's log viewer).
        public var link: String?
        /// Appended to every message (`@13800001111`: DingTalk shows a mention only when the text carries it).
        var mentions: [String]

        /// A style; `keyword` is put in every message (robots that require one), `link` is appended, `mentions` are added for robots that notify by them.
        public init(language: Language = .zh, markdown: Bool = false, keyword: String? = nil, link: String? = nil,
                    mentions: [String] = []) {
            self.language = language
            self.markdown = markdown
            self.keyword = keyword
            self.link = link
            self.mentions = mentions
        }
    }

    /// How messages look.
    public var style: Style
    /// Outbox lines one message may carry at most.
    var maxReports: Int

    /// A digest that puts at most `maxReports` outbox lines in one message.
    public init(style: Style, maxReports: Int) {
        self.style = style
        self.maxReports = max(1, maxReports)
    }

    /// One report as the digest shows it.
    struct Report {
        var severity: Severity
        var text: String
        /// What folded reports are counted by: the pollutant, or the rule.
        var label: String
        var time: String
    }

    static func report(_ line: String, language: Language) -> Report {
        guard let value = try? JSONValue.parse(Array(line.utf8)) else {
            return Report(severity: .info, text: line, label: "?", time: "")
        }
        let severity = value["severity"]?.stringValue.flatMap(Severity.init(rawValue:)) ?? .info
        let text = value[language == .zh ? "message_zh" : "message_en"]?.stringValue ?? value["rule"]?.stringValue ?? line
        let label = value["facts"]?["pollutant"]?.stringValue ?? value["rule"]?.stringValue ?? "?"
        return Report(severity: severity, text: text, label: label, time: value["time"]?.stringValue ?? "")
    }

    /// The next message from `lines`; `fits` says whether a content is within the receiver's limits.
    public func message(_ lines: ArraySlice<String>, fits: (String) -> Bool) -> AlertMessage {
        let count = min(maxReports, lines.count)
        let reports = lines.prefix(count).map { Self.report($0, language: style.language) }
        // Most severe first; the outbox order within a severity.
        let order = reports.indices.sorted { (reports[$0].severity, reports.count - $0) > (reports[$1].severity, reports.count - $1) }
        let header = header(reports)
        let rendered = order.map { line(reports[$0]) }
        // Fold counts for the reports from position k on, for every k.
        var folds = [String](repeating: "", count: count + 1)
        var groups: [String: (count: Int, severity: Severity, first: Int)] = [:]
        for k in stride(from: count - 1, through: 0, by: -1) {
            let report = reports[order[k]]
            let group = groups[report.label] ?? (0, report.severity, k)
            groups[report.label] = (group.count + 1, max(group.severity, report.severity), min(group.first, k))
            folds[k] = fold(groups, total: count - k)
        }
        func content(_ shown: Int, lines: [String]? = nil, compactFold: Bool = false) -> String {
            var parts = [header]
            parts += (lines ?? Array(rendered.prefix(shown)))
            if shown < count {
                parts.append(compactFold ? compact(count - shown) : folds[shown])
                parts.append(whereToRead)
            }
            if !style.mentions.isEmpty { parts.append(style.mentions.map { "@" + $0 }.joined(separator: " ")) }
            return parts.joined(separator: "\n")
        }
        var shown = 0
        while shown < count, fits(content(shown + 1)) { shown += 1 }
        if shown > 0 || fits(content(0)) {
            if shown == 0, count > 0, let cut = fitted(rendered[0], { fits(content(1, lines: [$0])) }) {
                return AlertMessage(covered: count, shown: 1, folded: count - 1, payload: content(1, lines: [cut]))
            }
            return AlertMessage(covered: count, shown: shown, folded: count - shown, payload: content(shown))
        }
        if fits(content(0, compactFold: true)) {
            return AlertMessage(covered: count, shown: 0, folded: count, payload: content(0, compactFold: true))
        }
        // Not even the header and one total fit: the limit is smaller than any
        // message; send the total, cut to the limit, rather than nothing.
        let total = content(0, compactFold: true)
        return AlertMessage(covered: count, shown: 0, folded: count, payload: fitted(total, fits) ?? "")
    }

    /// The longest prefix of `text` (by characters) plus "…" that `fits`, nil when not even "…" does.
    func fitted(_ text: String, _ fits: (String) -> Bool) -> String? {
        let characters = Array(text)
        var low = 0, high = characters.count
        guard fits("…") else { return nil }
        while low < high {
            let middle = (low + high + 1) / 2
            if fits(String(characters.prefix(middle)) + "…") { low = middle } else { high = middle - 1 }
        }
        return String(characters.prefix(low)) + "…"
    }

    // MARK: Text

    private func header(_ reports: [Report]) -> String {
        let language = style.language
        var counts: [Severity: Int] = [:]
        for report in reports { counts[report.severity, default: 0] += 1 }
        let severities = Severity.allCases.reversed().compactMap { severity -> String? in
            guard let n = counts[severity] else { return nil }
            return "\(Self.name(severity, language)) \(n)"
        }
        let times = reports.map(\.time).filter { !$0.isEmpty }
        let first = Self.shortTime(times.min() ?? ""), last = Self.shortTime(times.max() ?? "")
        let span = first == last ? first : "\(first) — \(last)"
        let title = language.text("haze 空气质量告警", "haze air-quality alerts")
        let keyword = style.keyword.map { Self.plain($0) }
        var text: String
        if language == .zh {
            text = (keyword.map { "【\($0)】\(title)" } ?? "【\(title)】") + " \(span)：\(reports.count) 条（\(severities.joined(separator: "，"))）"
        } else {
            text = (keyword.map { "[\($0)] \(title)" } ?? "[\(title)]") + " \(span): \(reports.count) report(s) (\(severities.joined(separator: ", ")))"
        }
        if style.markdown { text = "**" + escaped(text) + "**" }
        return text
    }

    private func line(_ report: Report) -> String {
        let tag = Self.name(report.severity, style.language)
        return style.markdown ? "- **[\(tag)]** " + escaped(Self.plain(report.text)) : "[\(tag)] " + Self.plain(report.text)
    }

    private func fold(_ groups: [String: (count: Int, severity: Severity, first: Int)], total: Int) -> String {
        let ordered = groups.sorted { ($0.value.severity, $0.value.count, -$0.value.first) > ($1.value.severity, $1.value.count, -$1.value.first) }
        let text: String
        if style.language == .zh {
            text = "另有 " + ordered.map { "\($0.value.count) 条 \(Self.plain($0.key)) 告警" }.joined(separator: "、")
        } else {
            text = "and " + ordered.map { "\($0.value.count) \(Self.plain($0.key)) alert(s)" }.joined(separator: ", ") + " more"
        }
        return style.markdown ? escaped(text) : text
    }

    private func compact(_ folded: Int) -> String {
        style.language.text("另有 \(folded) 条告警", "and \(folded) more alert(s)")
    }

    private var whereToRead: String {
        if let link = style.link { return style.language.text("详见：", "In full: ") + link }
        return style.language.text("详见 haze alert log", "In full: haze alert log")
    }

    static func name(_ severity: Severity, _ language: Language) -> String {
        switch severity {
        case .critical: language.text("严重", "critical")
        case .warning: language.text("警告", "warning")
        case .info: language.text("提示", "info")
        }
    }

    /// `2019-02-28T23:00+08:00` → `2019-02-28 23:00`.
    static func shortTime(_ iso: String) -> String {
        guard iso.count >= 16 else { return iso }
        return String(iso.prefix(16).map { $0 == "T" ? " " : $0 })
    }

    /// One line of text: control characters (a line break in a station name) become spaces.
    static func plain(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" ? " " : scalar
        }))
    }

    /// Markdown that shows names, never runs them: the characters robots'
    /// Markdown reads as links, tags, emphasis or code become their full-width forms.
    private func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "<": out += "＜"
            case ">": out += "＞"
            case "[": out += "［"
            case "]": out += "］"
            case "(": out += "（"
            case ")": out += "）"
            case "*": out += "＊"
            case "`": out += "｀"
            case "_": out += "＿"
            case "#": out += "＃"
            default: out.append(character)
            }
        }
        return out
    }
}
