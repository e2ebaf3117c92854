import Foundation

/// Why a term, coefficient or split could not be computed.
public enum CompensationProblem: Error, Sendable, Equatable {
    /// Which of a subject's figures is meant.
    public enum Figure: String, Sendable {
        case current, lastYear = "last-year", target
    }

    /// A figure a term needs is absent for a subject.
    case missing(CompensationIndicator, Figure, subject: String, CompensationInput.Absence)
    /// A change rate over a last-year value of zero.
    case lastYearZero(CompensationIndicator, subject: String)
    /// The baseline is the city, but the input has no city.
    case noCity
    /// A coefficient compares the city with its region, but the input has no region.
    case noRegion
    /// No unit has the figure the mean of units needs.
    case noUnitValues(CompensationIndicator)
    /// No rule of the coefficient applies to the subject.
    case noRuleApplies(coefficient: String, subject: String)
    /// The split lists a share per rank, and there are a different number of units.
    case shareCount(shares: Int, units: Int)
    /// The city's amount could not be computed, so nothing can be split.
    case cityIncomplete
}

/// A scheme applied to an input: per subject, every term's arithmetic and
/// amount, and the totals; for a scheme that applies to the city, the city's
/// amount and its split among the units by rank, which must balance.
///
/// All arithmetic is exact (`Decimal`): a term's amount is
/// sign × Σ (part of the gap in each tier × the tier's rate) × weight × coefficients,
/// a subject's amount is the sum of its terms rounded once to the scheme's
/// decimals (GB/T 8170, half to even); split amounts are rounded by largest
/// remainder so that they add up to the city's amount exactly.
public struct CompensationLedger: Sendable {
    /// A measure of one subject: its value and what it was computed from.
    package struct Measured: Sendable, Equatable {
        /// Whose: a unit's or city's name; for the mean of units, the names averaged.
        package var subject: String
        /// The measure: the concentration, the improvement, or the improvement rate.
        package var value: Decimal
        package var current: Decimal?
        package var lastYear: Decimal?
        /// For the mean of units: the units' measures averaged (exact mean, rounded to 2 decimals).
        package var averaged: [Decimal]
    }

    /// The part of a gap charged or paid at one tier's rate.
    package struct Piece: Sendable, Equatable {
        package var quantity: Decimal
        package var rate: Decimal
    }

    /// A coefficient as it applied to a subject.
    public struct AppliedCoefficient: Sendable, Equatable {
        public var id: String
        /// The coefficient's label as the scheme writes it.
        public var label: String
        /// The factor the term was multiplied by.
        public var value: Decimal
        package var condition: CompensationScheme.Condition
    }

    /// One term for one subject.
    public struct TermLine: Sendable {
        /// The scheme's term.
        public var term: CompensationScheme.Term
        package var measured: Measured?
        /// Nil when the baseline is `none` (zero).
        package var baseline: Measured?
        /// How much better than the baseline (positive) or worse (negative), in the measure's unit.
        public var gap: Decimal?
        package var pieces: [Piece] = []
        /// The coefficients that multiplied the term, in the term's order.
        public var coefficients: [AppliedCoefficient] = []
        /// True when the gap is on the side the scheme does not pay (deduct-only and better, reward-only and worse).
        package var sideNotPaid = false
        /// The signed amount in 万元, exact; nil when not computable.
        package var amount: Decimal?
        /// Why the term could not be computed for the subject; nil when it was.
        public var problem: CompensationProblem?
    }

    /// A subject's terms and amount.
    public struct Line: Sendable {
        /// The subject's name.
        public var subject: String
        /// One line per term of the scheme, in scheme order.
        public var terms: [TermLine]
        /// The sum of the computed terms, exact.
        public var exact: Decimal
        /// `exact` rounded to the scheme's decimals.
        package var amount: Decimal
        /// True when every term could be computed; otherwise `exact` is the sum of the computed terms only.
        public var isComplete: Bool { terms.allSatisfy { $0.problem == nil } }
    }

    /// One unit's part of the city's amount.
    public struct Share: Sendable, Equatable {
        /// The unit.
        public var unit: String
        /// Its value of the split's indicator (what it was ranked on).
        public var value: Decimal
        /// Its rank on the split's indicator (1 = best; ties share a rank).
        public var rank: Int
        /// The positions (1-based) whose shares it takes: one, or several when tied.
        package var positions: [Int]
        /// The shares (percent) of those positions.
        package var positionShares: [Decimal]
        /// Its share in percent: the mean of `positionShares`.
        package var percent: Decimal
        /// city amount × percent / 100, exact.
        public var exact: Decimal
        /// After rounding: `exact` rounded toward zero, plus one last-decimal step if it had one of the largest remainders.
        package var amount: Decimal
        /// The step added by the largest-remainder rounding (0 when none).
        package var adjustment: Decimal
    }

    /// The city's amount passed down.
    public struct Split: Sendable {
        package var cityAmount: Decimal
        /// True when the city receives (shares `when_received`), false when it pays.
        package var received: Bool
        package var shares: [Share]
        /// The sum of the units' rounded shares, in 万元.
        public var total: Decimal { shares.reduce(Decimal(0)) { $0 + $1.amount } }
        /// The split adds up to the city's amount exactly.
        package var balances: Bool { total == cityAmount }
    }

    /// The scheme the ledger was computed with.
    public var scheme: CompensationScheme
    /// The figures it was computed from.
    public var input: CompensationInput
    /// Per unit (a scheme for units), or the split lines' units (a scheme for the city: no terms, only shares).
    public var lines: [Line]
    /// The city's own computation, for a scheme that applies to the city.
    package var cityLine: Line?
    /// How the city's amount is passed down to its units; nil when the scheme has no split or the split could not be computed.
    public var split: Split?
    /// A problem that stops the split (the city's terms are in `cityLine`).
    package var splitProblem: CompensationProblem?

    /// Amounts paid (negative), received (positive), and the net, over the units.
    package var paid: Decimal { unitAmounts.filter { $0 < 0 }.reduce(0, +) }
    package var received: Decimal { unitAmounts.filter { $0 > 0 }.reduce(0, +) }
    package var net: Decimal { unitAmounts.reduce(0, +) }

    var unitAmounts: [Decimal] {
        if let split { return split.shares.map(\.amount) }
        return lines.map(\.amount)
    }

    /// True when every term, coefficient and the split were computed.
    public var isComplete: Bool {
        switch scheme.subject {
        case .units: lines.allSatisfy(\.isComplete)
        case .city: (cityLine?.isComplete ?? false) && split != nil && splitProblem == nil
        }
    }

    /// Every problem, with the subject it belongs to.
    public var problems: [(subject: String, term: String?, problem: CompensationProblem)] {
        var out: [(String, String?, CompensationProblem)] = []
        for line in (cityLine.map { [$0] } ?? []) + lines {
            for term in line.terms { if let problem = term.problem { out.append((line.subject, term.term.label, problem)) } }
        }
        if let splitProblem { out.append((input.city?.name ?? "", nil, splitProblem)) }
        return out
    }

    // MARK: Computing

    /// Computes every term for every subject of `input` under `scheme`, exactly in decimal. A term that cannot be computed is recorded with its `problem` rather than thrown.
    public init(scheme: CompensationScheme, input: CompensationInput) {
        self.scheme = scheme
        self.input = input
        switch scheme.subject {
        case .units:
            lines = input.units.map { Self.line(for: $0, isUnit: true, scheme: scheme, input: input) }
        case .city:
            lines = []
            guard let city = input.city else {
                splitProblem = .noCity
                return
            }
            let cityLine = Self.line(for: city, isUnit: false, scheme: scheme, input: input)
            self.cityLine = cityLine
            guard cityLine.isComplete else {
                splitProblem = .cityIncomplete
                return
            }
            switch Self.split(cityLine.amount, scheme: scheme, input: input) {
            case .success(let split): self.split = split
            case .failure(let problem): splitProblem = problem
            }
        }
    }

    static func line(for subject: CompensationInput.Subject, isUnit: Bool, scheme: CompensationScheme,
                     input: CompensationInput) -> Line {
        let terms = scheme.terms.map { termLine($0, subject: subject, isUnit: isUnit, scheme: scheme, input: input) }
        let exact = terms.compactMap(\.amount).reduce(Decimal(0), +)
        return Line(subject: subject.name, terms: terms, exact: exact, amount: CompensationMoney.round(exact, scheme.decimals))
    }

    /// A subject's measure for a term: its concentration, improvement, or improvement rate.
    static func measure(_ term: CompensationScheme.Term, of subject: CompensationInput.Subject)
        -> Result<Measured, CompensationProblem> {
        let indicator = term.indicator
        let figures = subject.figures[indicator] ?? CompensationInput.Figures(current: nil)
        guard let current = figures.current else {
            return .failure(.missing(indicator, .current, subject: subject.name, figures.currentAbsence ?? .notProvided))
        }
        if term.measure == .concentration {
            return .success(Measured(subject: subject.name, value: current, current: current, lastYear: nil, averaged: []))
        }
        guard let last = figures.lastYear else {
            return .failure(.missing(indicator, .lastYear, subject: subject.name, figures.lastYearAbsence ?? .notProvided))
        }
        let improvement = indicator.higherIsBetter ? current - last : last - current
        if term.measure == .change {
            return .success(Measured(subject: subject.name, value: improvement, current: current, lastYear: last, averaged: []))
        }
        guard last != 0 else { return .failure(.lastYearZero(indicator, subject: subject.name)) }
        let rate = CompensationMoney.round(improvement / last * 100, 1)
        return .success(Measured(subject: subject.name, value: rate, current: current, lastYear: last, averaged: []))
    }

    static func termLine(_ term: CompensationScheme.Term, subject: CompensationInput.Subject, isUnit: Bool,
                         scheme: CompensationScheme, input: CompensationInput) -> TermLine {
        var line = TermLine(term: term)
        let measured: Measured
        switch measure(term, of: subject) {
        case .success(let value): measured = value
        case .failure(let problem):
            line.problem = problem
            return line
        }
        line.measured = measured
        // The baseline, as a measure of its own subject.
        var baselineValue = Decimal(0)
        switch term.baseline {
        case .none:
            break
        case .target:
            guard let target = subject.figures[term.indicator]?.target else {
                line.problem = .missing(term.indicator, .target, subject: subject.name, .notProvided)
                return line
            }
            baselineValue = target
            line.baseline = Measured(subject: subject.name, value: target, current: nil, lastYear: nil, averaged: [])
        case .city:
            guard let city = input.city else {
                line.problem = .noCity
                return line
            }
            switch measure(term, of: city) {
            case .success(let value):
                baselineValue = value.value
                line.baseline = value
            case .failure(let problem):
                line.problem = problem
                return line
            }
        case .meanOfUnits:
            var values: [Decimal] = []
            var names: [String] = []
            for unit in input.units {
                if case .success(let value) = measure(term, of: unit) {
                    values.append(value.value)
                    names.append(unit.name)
                }
            }
            guard !values.isEmpty else {
                line.problem = .noUnitValues(term.indicator)
                return line
            }
            baselineValue = CompensationMoney.round(values.reduce(Decimal(0), +) / Decimal(values.count), 2)
            line.baseline = Measured(subject: names.joined(separator: "、"), value: baselineValue, current: nil,
                                     lastYear: nil, averaged: values)
        }
        // Better than the baseline is positive.
        let gap: Decimal
        if term.measure == .concentration {
            gap = term.indicator.higherIsBetter ? measured.value - baselineValue : baselineValue - measured.value
        } else {
            gap = measured.value - baselineValue
        }
        line.gap = gap
        let charged = gap < 0
        if gap == 0 || (charged && term.direction == .rewardOnly) || (!charged && term.direction == .deductOnly) {
            line.sideNotPaid = gap != 0
            line.amount = 0
            return line
        }
        var remaining = charged ? -gap : gap
        var previous = Decimal(0)
        for tier in term.tiers where remaining > 0 {
            let room = tier.upTo.map { $0 - previous } ?? remaining
            let part = min(remaining, room)
            line.pieces.append(Piece(quantity: part, rate: tier.rate))
            remaining -= part
            previous = tier.upTo ?? previous
        }
        var amount = line.pieces.reduce(Decimal(0)) { $0 + $1.quantity * $1.rate } * term.weight
        for id in term.coefficients {
            guard let coefficient = scheme.coefficient(id) else { continue }
            switch apply(coefficient, to: subject, isUnit: isUnit, input: input) {
            case .success(let applied):
                line.coefficients.append(applied)
                amount *= applied.value
            case .failure(let problem):
                line.problem = problem
                return line
            }
        }
        line.amount = charged ? -amount : amount
        return line
    }

    /// The first rule whose condition holds; a rule that cannot be decided stops the search.
    static func apply(_ coefficient: CompensationScheme.Coefficient, to subject: CompensationInput.Subject, isUnit: Bool,
                      input: CompensationInput) -> Result<AppliedCoefficient, CompensationProblem> {
        for rule in coefficient.rules {
            let holds: Bool
            switch rule.condition {
            case .always:
                holds = true
            case .unitIn(let names):
                holds = names.contains(subject.name)
            case .targetMet(let indicator):
                let figures = subject.figures[indicator]
                guard let current = figures?.current else {
                    return .failure(.missing(indicator, .current, subject: subject.name, figures?.currentAbsence ?? .notProvided))
                }
                guard let target = figures?.target else {
                    return .failure(.missing(indicator, .target, subject: subject.name, .notProvided))
                }
                holds = indicator.higherIsBetter ? current >= target : current <= target
            case .improved(let indicator), .worsened(let indicator):
                let term = CompensationScheme.Term(id: "", label: "", indicator: indicator, measure: .change, baseline: .none,
                                                   direction: .both, weight: 1, tiers: [], coefficients: [])
                switch measure(term, of: subject) {
                case .success(let change):
                    if case .improved = rule.condition { holds = change.value > 0 } else { holds = change.value < 0 }
                case .failure(let problem): return .failure(problem)
                }
            case .improvementRateAboveAverage(let indicator):
                let term = CompensationScheme.Term(id: "", label: "", indicator: indicator, measure: .changeRate,
                                                   baseline: .none, direction: .both, weight: 1, tiers: [], coefficients: [])
                guard let area = isUnit ? input.city : input.region else { return .failure(isUnit ? .noCity : .noRegion) }
                switch (measure(term, of: subject), measure(term, of: area)) {
                case (.success(let own), .success(let average)): holds = own.value > average.value
                case (.failure(let problem), _), (_, .failure(let problem)): return .failure(problem)
                }
            }
            if holds {
                return .success(AppliedCoefficient(id: coefficient.id, label: coefficient.label, value: rule.value,
                                                   condition: rule.condition))
            }
        }
        return .failure(.noRuleApplies(coefficient: coefficient.id, subject: subject.name))
    }

    /// The city's amount passed down by rank, rounded by largest remainder.
    static func split(_ amount: Decimal, scheme: CompensationScheme, input: CompensationInput) -> Result<Split, CompensationProblem> {
        guard let rule = scheme.split else { return .failure(.cityIncomplete) }
        guard rule.whenReceived.count == input.units.count else {
            return .failure(.shareCount(shares: rule.whenReceived.count, units: input.units.count))
        }
        var values: [Decimal] = []
        for unit in input.units {
            let figures = unit.figures[rule.rankBy]
            guard let value = figures?.current else {
                return .failure(.missing(rule.rankBy, .current, subject: unit.name, figures?.currentAbsence ?? .notProvided))
            }
            values.append(value)
        }
        // Rank best first; equal values share the lowest rank (1, 2, 2, 4).
        let ranks = values.map { value in
            1 + values.filter { rule.rankBy.higherIsBetter ? $0 > value : $0 < value }.count
        }
        let received = amount >= 0
        let table = received ? rule.whenReceived : rule.whenPaid
        let places = scheme.decimals
        var step = Decimal(1)
        for _ in 0 ..< places { step /= 10 }
        var shares: [Share] = []
        for (index, unit) in input.units.enumerated() {
            let tied = ranks.filter { $0 == ranks[index] }.count
            let positions = Array(ranks[index] ..< ranks[index] + tied)
            let positionShares = positions.map { table[$0 - 1] }
            let percent = positionShares.reduce(Decimal(0), +) / Decimal(tied)
            let exact = amount * percent / 100
            let truncated = CompensationMoney.truncate(exact, places)
            shares.append(Share(unit: unit.name, value: values[index], rank: ranks[index], positions: positions,
                                positionShares: positionShares, percent: percent, exact: exact, amount: truncated,
                                adjustment: 0))
        }
        // Largest remainder: the steps the truncation lost go to the largest remainders (ties: better rank, then name).
        var missing = amount - shares.reduce(Decimal(0)) { $0 + $1.amount }
        let order = shares.indices.sorted {
            let a = abs(shares[$0].exact - shares[$0].amount), b = abs(shares[$1].exact - shares[$1].amount)
            return a != b ? a > b : (shares[$0].rank, shares[$0].unit) < (shares[$1].rank, shares[$1].unit)
        }
        var next = 0
        while missing != 0 && next < order.count {
            let adjustment = missing > 0 ? step : -step
            shares[order[next]].amount += adjustment
            shares[order[next]].adjustment = adjustment
            missing -= adjustment
            next += 1
        }
        shares.sort { ($0.rank, $0.unit) < ($1.rank, $1.unit) }
        return .success(Split(cityAmount: amount, received: received, shares: shares))
    }
}

private func abs(_ value: Decimal) -> Decimal { value < 0 ? -value : value }
