import HazeModel

/// Weights of a composite score, e.g. `pm2.5=0.6,pm10=0.4`.
public struct CompositeWeights: Sendable, Equatable, CustomStringConvertible {
    /// The pollutants and their weights, in the order written.
    public var weights: [(pollutant: Pollutant, weight: Double)]

    public static func == (a: CompositeWeights, b: CompositeWeights) -> Bool {
        a.weights.map(\.pollutant) == b.weights.map(\.pollutant) && a.weights.map(\.weight) == b.weights.map(\.weight)
    }

    /// The weighted pollutants.
    public var pollutants: [Pollutant] { weights.map(\.pollutant) }

    /// Why weights were refused.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// What weights must be, for messages.
    public static let expected = "pollutant=weight pairs like pm2.5=0.6,pm10=0.4, each weight in (0, 1], the weights summing to 1"

    /// The sum of the weights may differ from 1 by at most this much.
    static let sumTolerance = 1e-9

    /// Parses `pm2.5=0.6,pm10=0.4`: each weight a finite number in (0, 1]
    /// (through `ExternalNumber`), each pollutant once, the weights summing
    /// to 1 within 1e-9.
    public static func parse(_ text: String) -> Result<CompositeWeights, Refusal> {
        var result: [(Pollutant, Double)] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "=", omittingEmptySubsequences: false)
            guard pieces.count == 2 else { return .failure(Refusal(description: "'\(part)' is not pollutant=weight")) }
            guard let pollutant = Pollutant(name: pieces[0]), Pollutant.particulates.contains(pollutant) else {
                return .failure(Refusal(description: "'\(pieces[0])' is not pm2.5 or pm10 (the weighted score is of PM means; the six-pollutant composite index is --indicator composite)"))
            }
            guard !result.contains(where: { $0.0 == pollutant }) else {
                return .failure(Refusal(description: "\(pollutant.key) is given twice"))
            }
            let weightText = pieces[1].trimmingCharacters(in: [" "])
            switch ExternalNumber.decimal(weightText, in: 0...1, expected: "a weight in (0, 1]") {
            case .success(let weight) where weight > 0:
                result.append((pollutant, weight))
            case .success:
                return .failure(Refusal(description: "the weight of \(pollutant.key) must be above 0"))
            case .failure(let refusal):
                return .failure(Refusal(description: "the weight of \(pollutant.key), '\(weightText.prefix(40))', is \(refusal.problemText)"))
            }
        }
        guard !result.isEmpty else { return .failure(Refusal(description: "no weights given")) }
        let sum = result.reduce(0) { $0 + $1.1 }
        guard abs(sum - 1) <= sumTolerance else {
            return .failure(Refusal(description: "the weights sum to \(ExternalNumber.show(sum)), not 1"))
        }
        return .success(CompositeWeights(weights: result))
    }

    /// Parses weights (see `parse`); nil when they are refused.
    public init?(parsing text: String) {
        guard case .success(let weights) = Self.parse(text) else { return nil }
        self = weights
    }

    init(weights: [(Pollutant, Double)]) {
        self.weights = weights.map { (pollutant: $0.0, weight: $0.1) }
    }

    public var description: String {
        weights.map { "\($0.pollutant.key)=\(GBT8170.format($0.weight, decimals: 2))" }.joined(separator: ",")
    }
}

/// A weighted score of each pollutant's period mean over its annual Grade II
/// limit (the comprehensive-index idea of the national ranking rule, with
/// weights chosen by the user): Σ wᵢ · Cᵢ / Sᵢ, two decimals, lower is better.
/// Sᵢ are the limits in force on the period's last day. (The six-pollutant
/// composite index of HJ 663 is `IndicatorRanking` with `.composite`.)
public struct CompositeRanking: Sendable {
    /// One unit's score and rank.
    public struct Entry: Sendable {
        /// The unit.
        public var unit: RankingUnit
        /// Rounded to two decimals; nil when a pollutant's month is invalid.
        public var score: Double?
        /// Its rank (1 = lowest score, best; ties share a rank).
        public var rank: Int
    }

    /// The weights the scores were computed with.
    public var weights: CompositeWeights
    /// The annual limits used, by pollutant.
    public var limits: [Pollutant: Int]
    /// The units, best first.
    public var entries: [Entry]

    /// The score of each unit from its period statistics per pollutant.
    init(weights: CompositeWeights, units: [RankingUnit], statistics: [Pollutant: [RankingUnit: PeriodStatistics]],
         standard: AirQualityStandard) {
        self.weights = weights
        self.limits = Dictionary(uniqueKeysWithValues: weights.pollutants.map { ($0, standard.compositeLimit($0)) })
        var byUnit: [RankingUnit: [Pollutant: PeriodStatistics]] = [:]
        for (pollutant, perUnit) in statistics {
            for (unit, stats) in perUnit { byUnit[unit, default: [:]][pollutant] = stats }
        }
        let scores: [Double?] = units.map { unit in
            var score = 0.0
            for (pollutant, weight) in weights.weights {
                guard let stats = byUnit[unit]?[pollutant], stats.isValid, let value = stats.rounded else { return nil }
                score += weight * Double(value) / Double(standard.compositeLimit(pollutant))
            }
            return GBT8170.round(score, decimals: 2)
        }
        let ranks = Ranks.ascending(scores)
        entries = units.indices.map { Entry(unit: units[$0], score: scores[$0], rank: ranks[$0]) }
            .sorted { ($0.rank, $0.unit.label) < ($1.rank, $1.unit.label) }
    }
}
