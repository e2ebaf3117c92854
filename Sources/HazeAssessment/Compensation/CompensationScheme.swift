import Foundation
import HazeModel

/// An ecological compensation scheme (生态补偿办法) as data: which figures
/// are compared with which baseline, at what rate in 万元, with which
/// coefficients, over which period, and how a city's amount is passed down
/// to its districts by rank. Loaded from a JSON file (see `parse` and the
/// README); every number is kept as the decimal it was written as.
public struct CompensationScheme: Sendable {
    /// How often the scheme settles.
    public enum Period: String, Sendable, CaseIterable {
        case month, quarter, year
    }

    /// Whose figures the terms are computed for.
    public enum Subject: String, Sendable, CaseIterable {
        /// Each unit (district, county, city) pays or receives its own amount.
        case units
        /// The city's amount is computed and then split among its units by rank (`split`).
        case city
    }

    /// What a term compares.
    public enum Measure: String, Sendable, CaseIterable {
        /// The period's value itself (e.g. a district's PM2.5 against the city mean).
        case concentration
        /// The improvement on the same period last year, in the indicator's unit:
        /// last year − this period (this − last for the good-day ratio).
        case change
        /// The improvement rate in percent, one decimal (GB/T 8170):
        /// (last − this) / last × 100 (the good-day ratio: (this − last) / last × 100).
        case changeRate = "change-rate"
    }

    /// What a term's measure is compared with.
    public enum Baseline: String, Sendable, CaseIterable {
        /// Zero: the measure itself (an improvement is paid, a deterioration charged).
        case none
        /// The city's own figure (its assessment stations), as given in the input.
        case city
        /// The arithmetic mean of the units' figures (those that have one), exact.
        case meanOfUnits = "mean-of-units"
        /// The subject's target for the indicator, as given in the input.
        case target
    }

    /// Which side of the baseline is paid.
    public enum Direction: String, Sendable, CaseIterable {
        /// Better than the baseline receives, worse pays.
        case both
        /// Only worse than the baseline pays (扣款); better gets nothing.
        case deductOnly = "deduct-only"
        /// Only better than the baseline receives; worse pays nothing.
        case rewardOnly = "reward-only"
    }

    /// One step of a tiered rate: the part of the gap up to `upTo` (from the
    /// previous step's bound) at `rate` 万元 per unit; the last step has no bound.
    public struct Tier: Sendable, Equatable {
        package var upTo: Decimal?
        package var rate: Decimal
    }

    /// One item of the ledger: an indicator's measure against a baseline,
    /// charged or paid at tiered rates, times a weight and coefficients.
    public struct Term: Sendable {
        public var id: String
        /// The term's label as the scheme writes it, for reports.
        public var label: String
        /// The indicator whose figures the term compares.
        public var indicator: CompensationIndicator
        /// What of the indicator is compared: the value, the change, or the change rate.
        public var measure: Measure
        package var baseline: Baseline
        var direction: Direction
        package var weight: Decimal
        var tiers: [Tier]
        /// Ids of the coefficients that multiply this term, in order.
        public var coefficients: [String]
    }

    /// When a coefficient rule applies.
    package enum Condition: Sendable, Equatable {
        case always
        /// The subject's period value meets its target (≤ for concentrations, ≥ for the good-day ratio).
        case targetMet(CompensationIndicator)
        /// Better than the same period last year.
        case improved(CompensationIndicator)
        /// Worse than the same period last year.
        case worsened(CompensationIndicator)
        /// The subject's improvement rate is strictly above that of the area it is
        /// compared with (a unit: the city; the city: its region, e.g. the province).
        case improvementRateAboveAverage(CompensationIndicator)
        /// The subject is one of these units.
        case unitIn([String])
    }

    /// A factor chosen by the first rule whose condition holds.
    public struct Coefficient: Sendable {
        /// A value and the condition under which it applies.
        public struct Rule: Sendable {
            package var condition: Condition
            /// The factor when the condition holds.
            public var value: Decimal
        }

        public var id: String
        /// The coefficient's label as the scheme writes it.
        public var label: String
        /// The rules, tried in order; the first whose condition holds gives the value.
        public var rules: [Rule]
    }

    /// How a city's amount is passed down to its units: by their rank on an
    /// indicator (best first; tied units share their positions' shares equally),
    /// each position's percentage of the amount. The shares of each list sum to 100.
    public struct Split: Sendable {
        package var rankBy: CompensationIndicator
        /// Shares (percent) by rank when the city receives money.
        package var whenReceived: [Decimal]
        /// Shares (percent) by rank when the city pays.
        package var whenPaid: [Decimal]
    }

    public var id: String
    /// The scheme's title, for reports.
    public var title: String
    public var description: String
    /// Where the rules come from (documents, reprints).
    public var sources: [String]
    /// Rules taken as written here but not confirmed from the official text;
    /// printed under every ledger computed with the scheme.
    public var unconfirmed: [String]
    /// How often the scheme settles.
    public var period: Period
    /// Amounts in 万元 are rounded (half to even) to this many decimals.
    public var decimals: Int
    /// Whether terms are computed per unit or for the city (then split).
    public var subject: Subject
    /// The terms, in the order a ledger lists them.
    public var terms: [Term]
    /// The coefficients terms refer to by id.
    public var coefficients: [Coefficient]
    /// How a city's amount is split among its units; nil when the scheme does not split.
    public var split: Split?
    /// Where the scheme was read from.
    public var file: String

    package func coefficient(_ id: String) -> Coefficient? { coefficients.first { $0.id == id } }
}

// MARK: Loading

extension CompensationScheme {
    /// Reads a scheme file.
    public static func load(path: String) throws(ConfigurationError) -> CompensationScheme {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(file: path, reason: "no such file")
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(file: path, reason: isDirectory.boolValue ? "it is a directory" : "permission denied")
        }
        return try parse([UInt8](data), file: path)
    }

    /// Parses a scheme; every refusal names the file, the item and the field.
    public static func parse(_ bytes: [UInt8], file: String) throws(ConfigurationError) -> CompensationScheme {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw .malformed(file: file, reason: error.description)
        }
        let top = try JSONFields(value, file: file, item: nil, context: "top level")
        try top.allow(["scheme", "title", "description", "sources", "unconfirmed", "period", "unit", "decimals",
                       "applies_to", "terms", "coefficients", "split"])
        let id = try top.string("scheme")
        let unit = try top.optionalString("unit") ?? "万元"
        guard unit == "万元" else { throw top.fail("unit", "amounts are in 万元; write \"unit\": \"万元\" or leave it out") }
        let period: Period = try choice(top, "period")
        let subject: Subject = top.object["applies_to"] == nil ? .units : try choice(top, "applies_to")
        let decimals = try top.integer("decimals", 0...4, default: 2)

        var coefficients: [Coefficient] = []
        if let list = top.object["coefficients"] {
            guard let items = list.arrayValue else { throw top.fail("coefficients", "must be an array") }
            for (index, item) in items.enumerated() {
                let coefficient = try parseCoefficient(item, index: index, file: file)
                guard !coefficients.contains(where: { $0.id == coefficient.id }) else {
                    throw .invalid(file: file, item: "coefficient '\(coefficient.id)'", field: "id", reason: "is defined twice")
                }
                coefficients.append(coefficient)
            }
        }
        guard let termList = try top.require("terms").arrayValue, !termList.isEmpty else {
            throw top.fail("terms", "must be a non-empty array of terms")
        }
        var terms: [Term] = []
        for (index, item) in termList.enumerated() {
            let term = try parseTerm(item, index: index, file: file, subject: subject,
                                     coefficients: coefficients.map(\.id))
            guard !terms.contains(where: { $0.id == term.id }) else {
                throw .invalid(file: file, item: "term '\(term.id)'", field: "id", reason: "is defined twice")
            }
            terms.append(term)
        }
        var split: Split?
        if let value = top.object["split"] {
            split = try parseSplit(value, file: file)
        }
        switch (subject, split) {
        case (.city, nil):
            throw top.fail("split", "a scheme that applies to the city needs a split: how its amount is passed down by rank")
        case (.units, .some):
            throw top.fail("split", "only a scheme with \"applies_to\": \"city\" splits an amount; remove it or set applies_to")
        default: break
        }
        return CompensationScheme(
            id: id, title: try top.string("title"), description: try top.optionalString("description") ?? "",
            sources: try top.optionalStrings("sources") ?? [], unconfirmed: try top.optionalStrings("unconfirmed") ?? [],
            period: period, decimals: decimals, subject: subject, terms: terms, coefficients: coefficients,
            split: split, file: file)
    }

    static func choice<T: RawRepresentable & CaseIterable>(_ fields: JSONFields, _ name: String) throws(ConfigurationError) -> T
    where T.RawValue == String {
        let text = try fields.string(name)
        guard let value = T(rawValue: text) else {
            let all = T.allCases.map(\.rawValue)
            throw fields.fail(name, "'\(text)' is not one of \(all.joined(separator: ", "))" + Suggestion.hint(for: text, among: all, limit: 1))
        }
        return value
    }

    static func indicator(_ fields: JSONFields, _ name: String) throws(ConfigurationError) -> CompensationIndicator {
        try choice(fields, name)
    }

    /// A number as the decimal it was written as, checked to lie in `range`.
    static func number(_ fields: JSONFields, _ name: String, _ range: ClosedRange<Double>,
                       default fallback: Double? = nil) throws(ConfigurationError) -> Decimal {
        CompensationMoney.decimal(try fields.number(name, range, default: fallback))
    }

    static func parseTerm(_ value: JSONValue, index: Int, file: String, subject: Subject,
                          coefficients known: [String]) throws(ConfigurationError) -> Term {
        var fields = try JSONFields(value, file: file, item: "term #\(index + 1)", context: "terms[\(index)]")
        let id = try fields.string("id")
        fields.item = "term '\(id)'"
        try fields.allow(["id", "label", "indicator", "measure", "baseline", "direction", "weight", "rate", "tiers",
                          "coefficients"])
        let indicator = try indicator(fields, "indicator")
        let measure: Measure = try choice(fields, "measure")
        let baseline: Baseline = try choice(fields, "baseline")
        let direction: Direction = fields.object["direction"] == nil ? .both : try choice(fields, "direction")
        switch (measure, baseline) {
        case (.concentration, .none):
            throw fields.fail("baseline", "a concentration is compared with the city, the mean of the units or a target, not with none")
        case (.change, .target), (.changeRate, .target):
            throw fields.fail("baseline", "a change is compared with none, the city or the mean of the units; targets are for concentrations")
        default: break
        }
        if subject == .city, baseline == .city || baseline == .meanOfUnits {
            throw fields.fail("baseline", "the scheme applies to the city itself, so it has no city or unit mean to compare with; use none or target")
        }
        var tiers: [Tier] = []
        switch (fields.object["rate"], fields.object["tiers"]) {
        case (.some, .some):
            throw fields.fail("tiers", "give either rate or tiers, not both")
        case (.some, nil):
            tiers = [Tier(upTo: nil, rate: try number(fields, "rate", 0...1_000_000))]
        case (nil, .some(let list)):
            guard let items = list.arrayValue, !items.isEmpty else { throw fields.fail("tiers", "must be a non-empty array") }
            for (t, item) in items.enumerated() {
                let tier = try JSONFields(item, file: file, item: "term '\(id)' tier #\(t + 1)", context: "tiers[\(t)]")
                try tier.allow(["up_to", "rate"])
                let rate = try number(tier, "rate", 0...1_000_000)
                let last = t == items.count - 1
                if last {
                    guard tier.object["up_to"] == nil else {
                        throw tier.fail("up_to", "the last tier has no bound: it takes the rest of the gap")
                    }
                    tiers.append(Tier(upTo: nil, rate: rate))
                } else {
                    let bound = try number(tier, "up_to", 0.000001...1_000_000)
                    if let previous = tiers.last?.upTo, bound <= previous {
                        throw tier.fail("up_to", "must be above the previous tier's bound (\(CompensationMoney.plain(previous)))")
                    }
                    tiers.append(Tier(upTo: bound, rate: rate))
                }
            }
        case (nil, nil):
            throw fields.fail("rate", "is required (or tiers)")
        }
        let named = try fields.optionalStrings("coefficients") ?? []
        for name in named where !known.contains(name) {
            throw fields.fail("coefficients", "no coefficient '\(name)' is defined" + Suggestion.hint(for: name, among: known, limit: 1))
        }
        return Term(id: id, label: try fields.optionalString("label") ?? id, indicator: indicator, measure: measure,
                    baseline: baseline, direction: direction, weight: try number(fields, "weight", 0...1000, default: 1),
                    tiers: tiers, coefficients: named)
    }

    static let conditions = ["always", "target-met", "improved", "worsened", "improvement-rate-above-average", "unit-in"]

    static func parseCoefficient(_ value: JSONValue, index: Int, file: String) throws(ConfigurationError) -> Coefficient {
        var fields = try JSONFields(value, file: file, item: "coefficient #\(index + 1)", context: "coefficients[\(index)]")
        let id = try fields.string("id")
        fields.item = "coefficient '\(id)'"
        try fields.allow(["id", "label", "rules"])
        guard let items = try fields.require("rules").arrayValue, !items.isEmpty else {
            throw fields.fail("rules", "must be a non-empty array of {\"when\": …, \"value\": …}")
        }
        var rules: [Coefficient.Rule] = []
        for (r, item) in items.enumerated() {
            let rule = try JSONFields(item, file: file, item: "coefficient '\(id)' rule #\(r + 1)", context: "rules[\(r)]")
            try rule.allow(["when", "indicator", "units", "value"])
            let when = try rule.string("when")
            let condition: Condition
            switch when {
            case "always": condition = .always
            case "target-met": condition = .targetMet(try indicator(rule, "indicator"))
            case "improved": condition = .improved(try indicator(rule, "indicator"))
            case "worsened": condition = .worsened(try indicator(rule, "indicator"))
            case "improvement-rate-above-average": condition = .improvementRateAboveAverage(try indicator(rule, "indicator"))
            case "unit-in":
                guard let units = try rule.optionalStrings("units"), !units.isEmpty else {
                    throw rule.fail("units", "unit-in needs a non-empty list of unit names")
                }
                condition = .unitIn(units)
            default:
                throw rule.fail("when", "'\(when)' is not one of \(conditions.joined(separator: ", "))"
                                + Suggestion.hint(for: when, among: conditions, limit: 1))
            }
            let takesIndicator: Bool
            switch condition {
            case .always, .unitIn: takesIndicator = false
            default: takesIndicator = true
            }
            if !takesIndicator, rule.object["indicator"] != nil { throw rule.fail("indicator", "\(when) takes no indicator") }
            if when != "unit-in", rule.object["units"] != nil { throw rule.fail("units", "only unit-in takes units") }
            rules.append(Coefficient.Rule(condition: condition, value: try number(rule, "value", 0...1000)))
        }
        return Coefficient(id: id, label: try fields.optionalString("label") ?? id, rules: rules)
    }

    static func parseSplit(_ value: JSONValue, file: String) throws(ConfigurationError) -> Split {
        let fields = try JSONFields(value, file: file, item: "split", context: "split")
        try fields.allow(["rank_by", "when_received", "when_paid"])
        func shares(_ name: String) throws(ConfigurationError) -> [Decimal] {
            guard let items = try fields.require(name).arrayValue, !items.isEmpty else {
                throw fields.fail(name, "must be a non-empty array of percentages, one per rank")
            }
            var out: [Decimal] = []
            for item in items {
                switch ExternalNumber.decimal(item, in: 0...100, expected: "a percentage in 0…100") {
                case .success(let share): out.append(CompensationMoney.decimal(share))
                case .failure(let refusal): throw fields.fail(name, refusal.description)
                }
            }
            let sum = out.reduce(Decimal(0), +)
            guard sum == 100 else {
                throw fields.fail(name, "the shares sum to \(CompensationMoney.plain(sum)), not 100: every 万元 must be passed down")
            }
            return out
        }
        let received = try shares("when_received")
        let paid = try shares("when_paid")
        guard received.count == paid.count else {
            throw fields.fail("when_paid", "has \(paid.count) shares but when_received has \(received.count); one share per rank in both")
        }
        return Split(rankBy: try indicator(fields, "rank_by"), whenReceived: received, whenPaid: paid)
    }
}
