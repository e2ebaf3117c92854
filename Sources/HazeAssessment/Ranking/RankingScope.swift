import HazeModel

/// What to rank: the level, the city it is limited to, and the pollutants.
public struct RankingScope: Sendable {
    /// The level of the units ranked.
    public var level: RankingLevel
    /// The city the units are limited to; nil for every city.
    public var city: String?
    /// The pollutants ranked, in report order.
    public var pollutants: [Pollutant]

    /// What to rank: units of `level`, in `city` (nil: all), by `pollutants` (PM2.5 and PM10 unless told).
    public init(level: RankingLevel = .district, city: String? = nil, pollutants: [Pollutant] = Pollutant.particulates) {
        self.level = level
        self.city = city
        self.pollutants = pollutants
    }
}
