import HazeModel

/// What to rank: the level, the city it is limited to, and the pollutants.
public struct RankingScope: Sendable {
    public var level: RankingLevel
    public var city: String?
    public var pollutants: [Pollutant]

    public init(level: RankingLevel = .district, city: String? = nil, pollutants: [Pollutant] = Pollutant.particulates) {
        self.level = level
        self.city = city
        self.pollutants = pollutants
    }
}
