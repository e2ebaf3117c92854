import HazeModel

/// What a compensation scheme measures: a pollutant's period value, the
/// good-day ratio or the composite index, as published (rounded) figures.
public enum CompensationIndicator: String, Sendable, CaseIterable, Hashable {
    case pm25 = "pm2.5"
    case pm10
    case so2
    case no2
    case co
    case o3
    /// 优良天数比例, percent.
    case goodDaysRatio = "good-days-ratio"
    /// 综合指数.
    case composite

    /// True when a higher value is better air (the good-day ratio); false for concentrations and the index.
    package var higherIsBetter: Bool { self == .goodDaysRatio }

    /// `PM2.5`, `优良天数比例`, …
    public func name(_ language: Language) -> String {
        switch self {
        case .pm25: "PM2.5"
        case .pm10: "PM10"
        case .so2: "SO2"
        case .no2: "NO2"
        case .co: "CO"
        case .o3: "O3"
        case .goodDaysRatio: language.text("优良天数比例", "good-day ratio")
        case .composite: language.text("综合指数", "composite index")
        }
    }

    /// The unit of a value and of a difference: `µg/m³`, `mg/m³`, `%` / percentage points, none.
    public func unit(_ language: Language, difference: Bool = false) -> String {
        switch self {
        case .co: "mg/m³"
        case .goodDaysRatio: difference ? language.text("个百分点", "pp") : "%"
        case .composite: ""
        default: "µg/m³"
        }
    }

    /// The indicator of a pollutant haze stores.
    public init(_ pollutant: Pollutant) {
        switch pollutant {
        case .pm25: self = .pm25
        case .pm10: self = .pm10
        case .so2: self = .so2
        case .no2: self = .no2
        case .co: self = .co
        case .o3: self = .o3
        }
    }
}

extension RankingIndicator {
    /// The ranking indicator whose published value a compensation indicator takes.
    init(_ indicator: CompensationIndicator) {
        switch indicator {
        case .pm25: self = .pm25
        case .pm10: self = .pm10
        case .so2: self = .so2
        case .no2: self = .no2
        case .co: self = .co
        case .o3: self = .o3
        case .goodDaysRatio: self = .goodDays
        case .composite: self = .composite
        }
    }
}
