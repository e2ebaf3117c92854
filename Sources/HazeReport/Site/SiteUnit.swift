import HazeModel
import HazeRegistry
import HazeAssessment

/// A subject with a page on the site: the city, a unit of the ranking level
/// (a district), or a station.
struct SiteUnit: Sendable {
    enum Kind: Sendable { case city, district, station }

    var kind: Kind
    var subject: Subject
    /// As shown in headings: `北京市`, `朝阳区`, `1001A 万寿西宫`.
    var title: String
    /// As the rankings and summaries name it (`RankingUnit.label`).
    var rankingLabel: String
    /// The stations whose values make it up (a station: itself).
    var stations: [Station]
    var path: String
    /// The level it is ranked at (nil for the city).
    var level: RankingLevel?

    static func city(_ name: String, registry: StationRegistry, language: Language) -> SiteUnit {
        SiteUnit(kind: .city, subject: .city(name), title: language.cityName(name), rankingLabel: name,
                 stations: registry.stations(inCity: name).filter(\.countsInUnits), path: SitePath.city, level: nil)
    }

    static func units(_ ranking: [RankingUnit]) -> [SiteUnit] {
        ranking.map { unit in
            switch unit.level {
            case .station:
                let code = unit.stations.first?.code ?? unit.name
                return SiteUnit(kind: .station, subject: .station(code), title: unit.label, rankingLabel: unit.label,
                                stations: unit.stations, path: SitePath.station(code), level: .station)
            case .district:
                return SiteUnit(kind: .district, subject: .district(unit.name, city: unit.city), title: unit.name,
                                rankingLabel: unit.label, stations: unit.stations, path: SitePath.district(unit.name), level: .district)
            case .city:
                return SiteUnit(kind: .city, subject: .city(unit.name), title: unit.name, rankingLabel: unit.label,
                                stations: unit.stations, path: SitePath.city, level: nil)
            default:
                // A unit of another layer (zone, town, …) has a page as a district does.
                return SiteUnit(kind: .district, subject: .unit(unit.name, layer: unit.level.rawValue, city: unit.city), title: unit.name,
                                rankingLabel: unit.label, stations: unit.stations, path: SitePath.district(unit.name), level: unit.level)
            }
        }
    }
}
