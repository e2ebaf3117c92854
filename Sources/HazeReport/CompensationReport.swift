import Foundation
import HazeModel
import HazeAssessment

/// Renders a `CompensationLedger`: per subject, every term's arithmetic with
/// the figures it used, so each amount can be redone by hand; the totals;
/// the split and its balance; the scheme's unconfirmed rules and sources.
public struct CompensationReport: Sendable {
    /// The ledger rendered.
    public var ledger: CompensationLedger
    /// The language of titles, headings and notes (the data are the same in both).
    public var language: Language
    /// What the units are, for the title: `北京市各区`.
    public var scopeLabel: String
    var generated: Date

    /// A rendering of `ledger` in `language`; `scopeLabel` names the units in the title (`北京市各区`), `generated` is the time printed in the footer.
    public init(ledger: CompensationLedger, language: Language = .zh, scopeLabel: String = "", generated: Date = Date()) {
        self.ledger = ledger
        self.language = language
        self.scopeLabel = scopeLabel
        self.generated = generated
    }

    var lang: Language { language }
    var scheme: CompensationScheme { ledger.scheme }
    var places: Int { scheme.decimals }

    /// The report's title in its language (e.g. `北京市各区2019年1月PM2.5排名`).
    public var title: String {
        lang.text("生态补偿核算：\(scheme.title)", "Compensation ledger: \(scheme.title)")
    }

    var subtitle: String {
        let period = ledger.input.period.label(lang)
        let parts = [period, scopeLabel].filter { !$0.isEmpty }.joined(separator: " · ")
        return parts + lang.text("；方案 \(scheme.id)（\(scheme.file)）；金额单位 万元，修约到 \(places) 位小数（GB/T 8170，四舍六入五成双）",
                                 "; scheme \(scheme.id) (\(scheme.file)); amounts in 万元 (10,000 yuan), rounded to \(places) decimals (GB/T 8170, half to even)")
    }

    // MARK: Numbers

    static func plain(_ value: Decimal) -> String { CompensationMoney.plain(value) }
    func money(_ value: Decimal) -> String { CompensationMoney.signed(value, places) }

    /// `5×10 + 1×20`
    static func pieces(_ pieces: [CompensationLedger.Piece]) -> String {
        pieces.map { "\(plain($0.quantity))×\(plain($0.rate))" }.joined(separator: " + ")
    }

    // MARK: Problems

    func absence(_ absence: CompensationInput.Absence) -> String {
        switch absence {
        case .noData: lang.text("无数据", "no data")
        case .invalid(let valid, let required): lang.text("无效（有效天数 \(valid)/\(required)）", "invalid (\(valid) of \(required) valid days)")
        case .notProvided: lang.text("未提供", "not provided")
        }
    }

    /// A problem of the ledger in words, in the report's language.
    public func problem(_ problem: CompensationProblem) -> String {
        switch problem {
        case .missing(let indicator, let figure, let subject, let why):
            let what: String
            switch figure {
            case .current: what = lang.text("本期", "this period's")
            case .lastYear: what = lang.text("去年同期", "last year's")
            case .target: what = lang.text("目标", "target")
            }
            return lang.text("\(subject) \(what) \(indicator.name(lang)) \(absence(why))",
                             "\(subject): \(what) \(indicator.name(lang)) \(absence(why))")
        case .lastYearZero(let indicator, let subject):
            return lang.text("\(subject) 去年同期 \(indicator.name(lang)) 为 0，无法计算改善率",
                             "\(subject): last year's \(indicator.name(lang)) is 0, no improvement rate")
        case .noCity: return lang.text("输入中没有城市的值（市均值）", "the input has no city figures (city mean)")
        case .noRegion: return lang.text("输入中没有区域（省）的值", "the input has no region (province) figures")
        case .noUnitValues(let indicator): return lang.text("没有单位有\(indicator.name(lang))的值", "no unit has a \(indicator.name(lang)) figure")
        case .noRuleApplies(let coefficient, let subject):
            return lang.text("系数 \(coefficient) 没有适用于 \(subject) 的规则", "no rule of coefficient \(coefficient) applies to \(subject)")
        case .shareCount(let shares, let units):
            return lang.text("分配方案列了 \(shares) 个名次的份额，但有 \(units) 个单位", "the split has shares for \(shares) ranks but there are \(units) units")
        case .cityIncomplete: return lang.text("市的金额未能算出，无法分配", "the city's amount could not be computed, so nothing is split")
        }
    }

    // MARK: Arithmetic

    func condition(_ condition: CompensationScheme.Condition, subject: String) -> String {
        switch condition {
        case .always: return lang.text("其他情形", "otherwise")
        case .targetMet(let i): return lang.text("完成\(i.name(lang))目标", "\(i.name(lang)) target met")
        case .improved(let i): return lang.text("\(i.name(lang))同比改善", "\(i.name(lang)) improved")
        case .worsened(let i): return lang.text("\(i.name(lang))同比变差", "\(i.name(lang)) worsened")
        case .improvementRateAboveAverage(let i):
            return lang.text("\(i.name(lang))改善率高于平均水平", "\(i.name(lang)) improvement rate above the average")
        case .unitIn: return lang.text("\(subject) 在所列单位中", "\(subject) is among the listed units")
        }
    }

    /// `(70 − 65) / 70 × 100 = 7.1 %` for a rate, `50 − 45 = 5` for a change, `65` for a value.
    func expression(_ measured: CompensationLedger.Measured, _ term: CompensationScheme.Term) -> String {
        let unit = term.indicator.unit(lang, difference: true)
        switch term.measure {
        case .concentration:
            return Self.plain(measured.value)
        case .change:
            guard let current = measured.current, let last = measured.lastYear else { return Self.plain(measured.value) }
            let text = term.indicator.higherIsBetter ? "\(Self.plain(current)) − \(Self.plain(last))" : "\(Self.plain(last)) − \(Self.plain(current))"
            return "\(text) = \(Self.plain(measured.value))\(unit.isEmpty ? "" : " " + unit)"
        case .changeRate:
            guard let current = measured.current, let last = measured.lastYear else { return Self.plain(measured.value) + "%" }
            let numerator = term.indicator.higherIsBetter ? "\(Self.plain(current)) − \(Self.plain(last))" : "\(Self.plain(last)) − \(Self.plain(current))"
            return "(\(numerator)) / \(Self.plain(last)) × 100 = \(Self.plain(measured.value))%"
        }
    }

    /// One term's arithmetic as a sentence ending in its amount.
    public func arithmetic(_ line: CompensationLedger.TermLine, subject: String) -> String {
        let term = line.term
        let name = term.indicator.name(lang)
        let diff = term.indicator.unit(lang, difference: true)
        let unit = diff.isEmpty ? "" : " " + diff
        guard let measured = line.measured else {
            return lang.text("无法计算：", "not computed: ") + (line.problem.map(problem) ?? "")
        }
        var parts: [String] = []
        let baselineName: String
        switch term.baseline {
        case .none: baselineName = ""
        case .city: baselineName = lang.text("市", "city")
        case .meanOfUnits: baselineName = lang.text("各单位均值", "mean of units")
        case .target: baselineName = lang.text("目标", "target")
        }
        switch term.measure {
        case .concentration:
            let own = lang.text("本期 \(expression(measured, term))", "this period \(expression(measured, term))")
            let base = line.baseline.map { "\(baselineName) \(Self.plain($0.value))" } ?? ""
            if let gap = line.gap {
                parts.append(term.indicator.higherIsBetter ? "\(own) − \(base) = \(Self.plain(gap))\(unit)"
                                                           : "\(base) − \(own) = \(Self.plain(gap))\(unit)")
            }
        case .change, .changeRate:
            let what = term.measure == .change ? lang.text("改善", "improvement") : lang.text("改善率", "improvement rate")
            parts.append("\(name) \(what) \(expression(measured, term))")
            if let baseline = line.baseline, let gap = line.gap {
                parts.append("\(baselineName)\(what) \(expression(baseline, term))")
                parts.append("\(Self.plain(measured.value)) − \(Self.plain(baseline.value)) = \(Self.plain(gap))\(term.measure == .changeRate ? lang.text(" 个百分点", " pp") : unit)")
            }
        }
        if term.baseline == .meanOfUnits, let baseline = line.baseline, !baseline.averaged.isEmpty {
            parts.append(lang.text("各单位均值 = (\(baseline.averaged.map(Self.plain).joined(separator: " + "))) / \(baseline.averaged.count) = \(Self.plain(baseline.value))（修约到 2 位小数）",
                                   "mean of units = (\(baseline.averaged.map(Self.plain).joined(separator: " + "))) / \(baseline.averaged.count) = \(Self.plain(baseline.value)) (2 decimals)"))
        }
        if let problem = line.problem {
            parts.append(lang.text("无法计算：", "not computed: ") + self.problem(problem))
            return parts.joined(separator: lang.text("；", "; "))
        }
        guard let gap = line.gap, let amount = line.amount else { return parts.joined(separator: lang.text("；", "; ")) }
        if gap == 0 {
            parts.append(lang.text("持平 → 0", "even → 0"))
        } else if line.sideNotPaid {
            parts.append(gap > 0 ? lang.text("优于基数，只扣不奖 → 0", "better, and the scheme only deducts → 0")
                                 : lang.text("劣于基数，只奖不扣 → 0", "worse, and the scheme only rewards → 0"))
        } else {
            // Every intermediate product is shown, so each step can be redone by hand.
            var running = line.pieces.reduce(Decimal(0)) { $0 + $1.quantity * $1.rate }
            var money = (gap < 0 ? lang.text("扣 ", "charged ") : lang.text("得 ", "paid ")) + Self.pieces(line.pieces)
            if line.pieces.count > 1 || line.pieces.first.map({ $0.quantity != 1 && $0.rate != 1 }) == true {
                money += " = " + Self.plain(running)
            }
            if term.weight != 1 {
                running *= term.weight
                money += lang.text(" × 权重 ", " × weight ") + Self.plain(term.weight) + " = " + Self.plain(running)
            }
            for coefficient in line.coefficients {
                running *= coefficient.value
                money += " × \(coefficient.label) \(Self.plain(coefficient.value))" + lang.text("（", " (")
                    + condition(coefficient.condition, subject: subject) + lang.text("）", ")") + " = " + Self.plain(running)
            }
            parts.append(money + " → " + Self.plain(amount))
        }
        return parts.joined(separator: lang.text("；", "; "))
    }

    func lineHeading(_ line: CompensationLedger.Line) -> String {
        let side = line.amount < 0 ? lang.text("支付", "pays") : line.amount > 0 ? lang.text("获得", "receives") : lang.text("无收支", "nothing")
        let incomplete = line.isComplete ? "" : lang.text("（不完整：\(line.terms.filter { $0.problem != nil }.count) 项未能计算）",
                                                          " (incomplete: \(line.terms.filter { $0.problem != nil }.count) term(s) not computed)")
        return lang.text("\(line.subject)  合计 \(money(line.amount)) 万元（\(side)）\(incomplete)",
                         "\(line.subject)  total \(money(line.amount)) 万元 (\(side))\(incomplete)")
    }

    func shareText(_ share: CompensationLedger.Share, split: CompensationLedger.Split) -> String {
        let rule = ledger.scheme.split
        let indicator = rule?.rankBy
        let value = "\(Self.plain(share.value))\(indicator.map { " " + $0.unit(lang) } ?? "")"
        var text = lang.text("第\(share.rank)名 \(share.unit)（\(indicator?.name(lang) ?? "") \(value)）",
                             "#\(share.rank) \(share.unit) (\(indicator?.name(lang) ?? "") \(value))")
        if share.positions.count > 1 {
            let shares = share.positionShares.map { Self.plain($0) + "%" }.joined(separator: " + ")
            text += lang.text("，并列，第\(share.positions.map(String.init).joined(separator: "、"))位份额 \(shares) 平分 = \(Self.plain(CompensationMoney.round(share.percent, 6)))%",
                              ", tied: positions \(share.positions.map(String.init).joined(separator: ", ")) share \(shares) equally = \(Self.plain(CompensationMoney.round(share.percent, 6)))%")
        } else {
            text += lang.text("，份额 \(Self.plain(share.percent))%", ", share \(Self.plain(share.percent))%")
        }
        text += "：\(Self.plain(split.cityAmount)) × \(Self.plain(CompensationMoney.round(share.percent, 6)))% = \(Self.plain(CompensationMoney.round(share.exact, 8)))"
        if share.adjustment != 0 {
            text += lang.text(" → \(CompensationMoney.fixed(share.amount - share.adjustment, places)) \(share.adjustment > 0 ? "+" : "")\(Self.plain(share.adjustment))（尾差，余数最大）",
                              " → \(CompensationMoney.fixed(share.amount - share.adjustment, places)) \(share.adjustment > 0 ? "+" : "")\(Self.plain(share.adjustment)) (rounding, largest remainder)")
        }
        return text + " → " + money(share.amount) + lang.text(" 万元", " 万元")
    }

    /// Everything below the lines: totals, balance, incompleteness, unconfirmed rules, sources.
    public var notes: [String] {
        var notes: [String] = []
        let amounts = ledger.split.map { $0.shares.map(\.amount) } ?? ledger.lines.map(\.amount)
        let payers = amounts.filter { $0 < 0 }.count, receivers = amounts.filter { $0 > 0 }.count
        notes.append(lang.text("合计：支付 \(money(ledger.paid)) 万元（\(payers) 个单位），获得 \(money(ledger.received)) 万元（\(receivers) 个单位），净额 \(money(ledger.net)) 万元。",
                               "Totals: paid \(money(ledger.paid)) 万元 (\(payers) units), received \(money(ledger.received)) 万元 (\(receivers) units), net \(money(ledger.net)) 万元."))
        if let split = ledger.split {
            notes.append(split.balances
                ? lang.text("平衡：分配合计 \(money(split.total)) 万元 = 市级金额 \(money(split.cityAmount)) 万元（尾差按最大余数法分配）。",
                            "Balance: the split adds up to \(money(split.total)) 万元 = the city's \(money(split.cityAmount)) 万元 (rounding by largest remainder).")
                : lang.text("不平衡：分配合计 \(money(split.total)) 万元 ≠ 市级金额 \(money(split.cityAmount)) 万元。",
                            "NOT BALANCED: the split adds up to \(money(split.total)) 万元, the city's amount is \(money(split.cityAmount)) 万元."))
        } else if scheme.subject == .units {
            notes.append(lang.text("本方案不要求各单位收支平衡（扣收或补偿资金由上级财政统筹）。",
                                   "The scheme does not require the units' amounts to balance (the higher level's budget settles them)."))
        }
        if !ledger.isComplete {
            let problems = ledger.problems
            notes.append(lang.text("核算不完整：\(problems.count) 项未能计算，相关合计只含已算出的项，不能作为结算依据：",
                                   "INCOMPLETE: \(problems.count) item(s) could not be computed; the totals hold only what was computed and cannot be settled on: ")
                         + problems.map { "\($0.subject)" + ($0.term.map { " \($0)" } ?? "") + lang.text("：", ": ") + problem($0.problem) }
                            .joined(separator: lang.text("；", "; ")))
        }
        for rule in scheme.unconfirmed {
            notes.append(lang.text("未经正式文件确认：", "Not confirmed from the official text: ") + rule)
        }
        if !scheme.sources.isEmpty {
            notes.append(lang.text("依据：", "Sources: ") + scheme.sources.joined(separator: lang.text("；", "; ")))
        }
        return notes
    }

    var generatedText: String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        formatter.timeZone = TimeZone(secondsFromGMT: LocalZone.beijing.offsetMinutes * 60)
        return lang.text("生成时间 ", "Generated ") + formatter.string(from: generated) + " (UTC+08:00)"
    }

    /// The lines to print, in order: the city's (a scheme for the city), then each unit's.
    var sections: [(heading: String, items: [String])] {
        var out: [(String, [String])] = []
        if let city = ledger.cityLine {
            out.append((lang.text("市级：", "City: ") + lineHeading(city),
                        city.terms.map { "\($0.term.label)：" + arithmetic($0, subject: city.subject) }))
        }
        if let split = ledger.split, let rule = scheme.split {
            let table = (split.received ? rule.whenReceived : rule.whenPaid).map { Self.plain($0) + "%" }.joined(separator: "/")
            let side = split.received ? lang.text("市里获得，按名次领取", "the city receives; by rank") : lang.text("市里支付，按名次赔付", "the city pays; by rank")
            out.append((lang.text("分配（按\(rule.rankBy.name(lang))排名，低者在前；\(side) \(table)）：",
                                  "Split (ranked by \(rule.rankBy.name(lang)), lowest first; \(side) \(table)):"),
                        split.shares.map { shareText($0, split: split) }))
        } else if let problem = ledger.splitProblem {
            out.append((lang.text("分配：", "Split: ") + self.problem(problem), []))
        }
        for line in ledger.lines {
            out.append((lineHeading(line), line.terms.map { "\($0.term.label)：" + arithmetic($0, subject: line.subject) }))
        }
        return out
    }

    // MARK: Formats

    /// A fixed-width text table for the terminal (CJK counted as two columns, control characters shown escaped).
    public func table() -> String {
        var out = title + "\n" + subtitle + "\n"
        for section in sections {
            out += "\n" + section.heading + "\n"
            for item in section.items { out += "  " + item + "\n" }
        }
        out += "\n" + notes.map { "* " + $0 }.joined(separator: "\n") + "\n"
        return TerminalText.sanitized(out, keepingNewlines: true)
    }

    /// The report as Markdown (table cells escaped), with title and notes.
    public func markdown() -> String {
        var out = "## \(MarkdownText.escape(title))\n\n\(MarkdownText.escape(subtitle))\n"
        for section in sections {
            out += "\n### \(MarkdownText.escape(section.heading))\n\n"
            out += section.items.map { "- " + MarkdownText.escape($0) + "\n" }.joined()
        }
        out += "\n" + notes.map { "- " + MarkdownText.escape($0) + "\n" }.joined()
        return out + "\n_\(generatedText)_\n"
    }

    static let csvHeader = ["period", "scheme", "kind", "unit", "term", "indicator", "value", "baseline", "gap", "rank",
                            "percent", "amount", "complete", "arithmetic"]

    /// One row per term (`term`), per subject total (`total`, `city`) and per share of a split (`share`).
    func csvRecords() -> [[String]] {
        let period = ledger.input.period.description
        var out = [Self.csvHeader]
        func rows(_ line: CompensationLedger.Line, kind: String) {
            for term in line.terms {
                out.append([period, scheme.id, "term", line.subject, term.term.id, term.term.indicator.rawValue,
                            term.measured.map { Self.plain($0.value) } ?? "", term.baseline.map { Self.plain($0.value) } ?? "",
                            term.gap.map(Self.plain) ?? "", "", "", term.amount.map(Self.plain) ?? "",
                            term.problem == nil ? "true" : "false", arithmetic(term, subject: line.subject)])
            }
            out.append([period, scheme.id, kind, line.subject, "", "", "", "", "", "", "",
                        CompensationMoney.fixed(line.amount, places), line.isComplete ? "true" : "false", lineHeading(line)])
        }
        if let city = ledger.cityLine { rows(city, kind: "city") }
        for share in ledger.split?.shares ?? [] {
            out.append([period, scheme.id, "share", share.unit, "", scheme.split?.rankBy.rawValue ?? "", Self.plain(share.value),
                        "", "", String(share.rank), Self.plain(CompensationMoney.round(share.percent, 6)),
                        CompensationMoney.fixed(share.amount, places), "true", ledger.split.map { shareText(share, split: $0) } ?? ""])
        }
        for line in ledger.lines { rows(line, kind: "total") }
        return out
    }

    /// One row per subject and term (amounts in 万元, exact and rounded), then the split.
    public func csv() -> String { csvRecords().map { CSVWriter.line($0) }.joined() }

    static func number(_ value: Decimal?) -> JSONValue {
        guard let value else { return .null }
        let text = CompensationMoney.plain(value)
        if let whole = Int(text) { return .int(whole) }
        let places = text.split(separator: ".").last.map(\.count) ?? 0
        return .decimal(NSDecimalNumber(decimal: value).doubleValue, places: min(places, 9))
    }

    func jsonValue() -> JSONValue {
        func term(_ line: CompensationLedger.TermLine, _ subject: String) -> JSONValue {
            .object([
                ("id", .string(line.term.id)), ("label", .string(line.term.label)),
                ("indicator", .string(line.term.indicator.rawValue)), ("measure", .string(line.term.measure.rawValue)),
                ("baseline", .string(line.term.baseline.rawValue)),
                ("current", Self.number(line.measured?.current)), ("last_year", Self.number(line.measured?.lastYear)),
                ("value", Self.number(line.measured?.value)), ("baseline_value", Self.number(line.baseline?.value)),
                ("gap", Self.number(line.gap)),
                ("pieces", .array(line.pieces.map { .object([("quantity", Self.number($0.quantity)), ("rate", Self.number($0.rate))]) })),
                ("weight", Self.number(line.term.weight)),
                ("coefficients", .array(line.coefficients.map { .object([("id", .string($0.id)), ("label", .string($0.label)),
                                                                         ("value", Self.number($0.value))]) })),
                ("amount", Self.number(line.amount)),
                ("problem", line.problem.map { .string(problem($0)) } ?? .null),
                ("arithmetic", .string(arithmetic(line, subject: subject))),
            ])
        }
        func subject(_ line: CompensationLedger.Line) -> JSONValue {
            .object([("unit", .string(line.subject)), ("amount", Self.number(line.amount)), ("exact", Self.number(line.exact)),
                     ("complete", .bool(line.isComplete)), ("terms", .array(line.terms.map { term($0, line.subject) }))])
        }
        var fields: [(String, JSONValue)] = [
            ("title", .string(title)), ("period", .string(ledger.input.period.description)),
            ("scheme", .object([("id", .string(scheme.id)), ("title", .string(scheme.title)), ("file", .string(scheme.file)),
                                ("period", .string(scheme.period.rawValue)), ("applies_to", .string(scheme.subject.rawValue)),
                                ("decimals", .int(places)), ("unconfirmed", .array(scheme.unconfirmed.map(JSONValue.string))),
                                ("sources", .array(scheme.sources.map(JSONValue.string)))])),
            ("city", ledger.input.city.map { .string($0.name) } ?? .null),
        ]
        if let city = ledger.cityLine { fields.append(("city_line", subject(city))) }
        if let split = ledger.split {
            fields.append(("split", .object([
                ("city_amount", Self.number(split.cityAmount)), ("received", .bool(split.received)),
                ("total", Self.number(split.total)), ("balances", .bool(split.balances)),
                ("shares", .array(split.shares.map { share in
                    .object([("unit", .string(share.unit)), ("value", Self.number(share.value)), ("rank", .int(share.rank)),
                             ("positions", .array(share.positions.map(JSONValue.int))),
                             ("percent", Self.number(CompensationMoney.round(share.percent, 6))),
                             ("exact", Self.number(CompensationMoney.round(share.exact, 8))),
                             ("adjustment", Self.number(share.adjustment)), ("amount", Self.number(share.amount))])
                })),
            ])))
        }
        if let problem = ledger.splitProblem { fields.append(("split_problem", .string(self.problem(problem)))) }
        fields += [
            ("units", .array(ledger.lines.map(subject))),
            ("totals", .object([("paid", Self.number(ledger.paid)), ("received", Self.number(ledger.received)),
                                ("net", Self.number(ledger.net))])),
            ("complete", .bool(ledger.isComplete)),
            ("notes", .array(notes.map(JSONValue.string))),
        ]
        return .object(fields)
    }

    /// The report as a JSON document (pretty-printed, ending with a newline).
    public func json() -> String { jsonValue().serialized(pretty: true) + "\n" }

    /// The ledger as a workbook: the CSV's rows (amounts as numbers) and the notes.
    public func workbook() -> Workbook {
        let records = csvRecords()
        let text: Set<String> = ["period", "scheme", "kind", "unit", "term", "indicator", "complete", "arithmetic"]
        let header = records.first ?? []
        let rows = records.dropFirst().map { record in
            record.enumerated().map { index, cell -> SpreadsheetCell in
                index < header.count && text.contains(header[index]) ? (cell.isEmpty ? .empty : .text(cell)) : .inferred(cell)
            }
        }
        return Workbook(sheets: [Worksheet(name: lang.text("生态补偿", "Compensation"), header: header, rows: Array(rows)),
                                 Worksheet(name: lang.text("说明", "Notes"), header: [lang.text("说明", "Notes")],
                                           rows: ([title, subtitle] + notes + [generatedText]).map { [.text($0)] })],
                        title: title, timestamp: RankingWorkbook.timestamp(generated))
    }
}
