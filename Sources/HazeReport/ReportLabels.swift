import HazeModel
import HazeAssessment

/// Report titles and column names in both languages.
extension Language {
    /// The unit column's title.
    func unitTitle(_ level: RankingLevel) -> String {
        switch level {
        case .district: text("区", "District")
        case .city: text("城市", "City")
        case .station: text("站点", "Station")
        case .zone: text("功能区", "Zone")
        case .town: text("乡镇（街道）", "Town")
        default: level.rawValue
        }
    }

    /// `各区`, `各功能区`, `各乡镇（街道）`, or the layer's own name, for titles.
    func layerPlural(_ level: RankingLevel) -> String {
        switch level {
        case .district: text("各区", "districts")
        case .zone: text("各功能区", "zones")
        case .town: text("各乡镇（街道）", "towns")
        default: text("各\(level.rawValue)", "units of \(level.rawValue)")
        }
    }

    /// A city as written in a title: `北京市`.
    public func cityName(_ city: String) -> String {
        guard self == .zh else { return city }
        for suffix in ["市", "州", "盟", "地区", "区", "县"] where city.hasSuffix(suffix) { return city }
        return city + "市"
    }

    /// `2019年1月 北京市各区 PM2.5 浓度排名` / `PM2.5 ranking of 北京 districts, January 2019`
    func rankingTitle(period: String, scope: RankingScope, pollutants: [Pollutant]) -> String {
        let what = pollutants.map(\.displayName).joined(separator: self == .zh ? "、" : " and ")
        switch self {
        case .zh:
            let subject: String
            switch scope.level {
            case .city: subject = scope.city.map(cityName) ?? "各城市"
            case .station: subject = (scope.city.map(cityName) ?? "") + "各站点"
            default: subject = (scope.city.map(cityName) ?? "") + layerPlural(scope.level)
            }
            return "\(period) \(subject) \(what) 浓度排名"
        case .en:
            let subject: String
            switch scope.level {
            case .city: subject = scope.city ?? "cities"
            case .station: subject = (scope.city.map { "\($0) " } ?? "") + "stations"
            default: subject = (scope.city.map { "\($0) " } ?? "") + layerPlural(scope.level)
            }
            return "\(what) ranking of \(subject), \(period)"
        }
    }
}
