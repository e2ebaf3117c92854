import HazeModel

/// Weights of a composite score, e.g. `pm2.5=0.6,pm10=0.4`.
public struct CompositeWeights: Sendable, Equatable, CustomStringConvertible {
    public var weights: [(pollutant: Pollutant, weight: Double)]

    public static func == (a: CompositeWeights, b: CompositeWeights) -> Bool {
        a.weights.map(\.pollutant) == b.weights.map(\.pollutant) && a.weights.map(\.weight) == b.weights.map(\.weight)
    }

    public var pollutants: [Pollutant] { weights.map(\.pollutant) }

    /// Parses `pm2.5=0.6,pm10=0.4`; weights must be positive.
    public init?(parsing text: String) {
        var result: [(Pollutant, Double)] = []
        for part in text.split(separator: ",") {
            let pieces = part.split(separator: "=")
            guard pieces.count == 2, let pollutant = Pollutant(name: pieces[0]),
                  let weight = Double(pieces[1].trimmingCharacters(in: [" "])), weight > 0,
                  !result.contains(where: { $0.0 == pollutant }) else { return nil }
            result.append((pollutant, weight))
        }
        guard !result.isEmpty else { return nil }
        weights = result
    }

    public var description: String {
        weights.map { "\($0.pollutant.key)=\(GBT8170.format($0.weight, decimals: 2))" }.joined(separator: ",")
    }
}

/// A weighted score of each pollutant's monthly mean over its annual Grade II
/// limit (the comprehensive-index idea of the national ranking rule, with
/// weights chosen by the user): Σ wᵢ · Cᵢ / Sᵢ, two decimals, lower is better.
public struct CompositeRanking: Sendable {
    public struct Entry: Sendable {
        public var unit: RankingUnit
        /// Rounded to two decimals; nil when a pollutant's month is invalid.
        public var score: Double?
        public var rank: Int
    }

    public var weights: CompositeWeights
    /// The annual limits used, by pollutant.
    public var limits: [Pollutant: Int]
    public var entries: [Entry]

    init(weights: CompositeWeights, rankings: [PollutantRanking], standard: AirQualityStandard) {
        self.weights = weights
        self.limits = Dictionary(uniqueKeysWithValues: weights.pollutants.map { ($0, standard.annualLimit($0)) })
        let units = rankings.first?.entries.map(\.unit) ?? []
        var byUnit: [RankingUnit: [Pollutant: PeriodStatistics]] = [:]
        for ranking in rankings {
            for entry in ranking.entries { byUnit[entry.unit, default: [:]][ranking.pollutant] = entry.current }
        }
        let scores: [Double?] = units.map { unit in
            var score = 0.0
            for (pollutant, weight) in weights.weights {
                guard let stats = byUnit[unit]?[pollutant], stats.isValid, let value = stats.rounded else { return nil }
                score += weight * Double(value) / Double(standard.annualLimit(pollutant))
            }
            return GBT8170.round(score, decimals: 2)
        }
        let ranks = Ranks.ascending(scores)
        entries = units.indices.map { Entry(unit: units[$0], score: scores[$0], rank: ranks[$0]) }
            .sorted { ($0.rank, $0.unit.label) < ($1.rank, $1.unit.label) }
    }
}
