import HazeModel
import HazeRegistry
import HazeStore

/// The monthly bulletin a bureau sends (空气质量月报/通报): for one city and
/// month, the city's own headline figures (each selected indicator and
/// 优良天数比例, with last year's value and the change), the ranking of its
/// units by each selected indicator, the red and black lists and the most
/// improved and most deteriorated units of each, and the exceptional days
/// left out of the PM figures.
///
/// Every figure comes from `IndicatorRanking` — the same computation as
/// `haze rank --indicator` — so a bulletin never says something a ranking
/// would not. An indicator no unit (or the city itself) has a valid value
/// for is not ranked; the bulletin says so in `unavailable` instead of
/// failing as a whole. When nothing at all is available, `init` throws
/// `QueryError.noData` (exit 65).
public struct Bulletin: Sendable {
    /// One indicator's part: the units' ranking and its lists.
    package struct Section: Sendable {
        package var ranking: IndicatorRanking
        package var lists: RedBlackLists
    }

    /// Something the bulletin could not give, and why.
    package struct Unavailable: Sendable {
        package var indicator: RankingIndicator
        /// True for the city's own figure, false for the units' ranking.
        package var cityFigure: Bool
        package var reason: String
    }

    /// The month the bulletin reports.
    public var month: Month
    /// The city as the registry spells it.
    public var city: String
    /// The level of the units ranked (districts by default).
    public var level: RankingLevel
    /// The indicators ranked, in the order they appear.
    public var indicators: [RankingIndicator]
    /// N of the red/black and improvement lists.
    public var listSize: Int
    /// The city's own figures, one entry each (selected indicators, then the
    /// good-day ratio if it was not selected).
    package var headline: [IndicatorRanking.Entry]
    package var headlineIndicators: [RankingIndicator]
    package var sections: [Section]
    package var unavailable: [Unavailable]
    /// The exceptional days that applied (this month or the month a year
    /// earlier), nil when none were asked for.
    package var exclusion: ExceptionalDays?

    /// The indicators a bulletin ranks by default.
    public static let defaultIndicators: [RankingIndicator] = [.pm25, .pm10, .composite, .goodDays]

    /// Computes the bulletin of `city` for `month`: its units at `level` ranked by each of `indicators`, with red/black lists of `listSize` units.
    /// Throws `QueryError.noData` when no indicator has a valid value for the city or any unit; an indicator that has none is listed as unavailable instead.
    public init(store: Store, registry: StationRegistry, month: Month, city: String, level: RankingLevel = .district,
                indicators: [RankingIndicator] = Bulletin.defaultIndicators, listSize: Int = 3,
                excluding exceptional: ExceptionalDays? = nil) throws(QueryError) {
        guard let known = registry.city(named: city) else {
            throw .unknownCity(city, suggestions: registry.citySuggestions(for: city))
        }
        self.month = month
        self.city = known
        self.level = level
        self.indicators = indicators
        self.listSize = listSize
        var unavailable: [Unavailable] = []
        var headline: [IndicatorRanking.Entry] = []
        var headlineIndicators: [RankingIndicator] = []
        var exclusion: ExceptionalDays?
        for indicator in indicators + (indicators.contains(.goodDays) ? [] : [.goodDays]) {
            do {
                let ranking = try IndicatorRanking(store: store, registry: registry, indicator: indicator, months: [month],
                                                   scope: RankingScope(level: .city, city: known), excluding: exceptional)
                if let entry = ranking.entries.first {
                    headline.append(entry)
                    headlineIndicators.append(indicator)
                }
                exclusion = exclusion ?? ranking.exclusion
            } catch .noData(let reason), .nothingRanked(let reason) {
                unavailable.append(Unavailable(indicator: indicator, cityFigure: true, reason: reason))
            }
        }
        var sections: [Section] = []
        for indicator in indicators {
            do {
                let ranking = try IndicatorRanking(store: store, registry: registry, indicator: indicator, months: [month],
                                                   scope: RankingScope(level: level, city: known), excluding: exceptional)
                sections.append(Section(ranking: ranking, lists: RedBlackLists(ranking: ranking, top: listSize, bottom: listSize)))
                if let days = ranking.exclusion {
                    exclusion = ExceptionalDays(entries: Self.union(exclusion?.entries ?? [], days.entries), source: days.source)
                }
            } catch .noData(let reason), .nothingRanked(let reason) {
                unavailable.append(Unavailable(indicator: indicator, cityFigure: false, reason: reason))
            }
        }
        guard !headline.isEmpty || !sections.isEmpty else {
            throw .noData("nothing to report for \(known), \(month): " + unavailable.map(\.reason).joined(separator: "; "))
        }
        self.headline = headline
        self.headlineIndicators = headlineIndicators
        self.sections = sections
        self.unavailable = unavailable
        self.exclusion = exclusion
    }

    static func union(_ a: [ExceptionalDay], _ b: [ExceptionalDay]) -> [ExceptionalDay] {
        var seen = Set(a)
        return (a + b.filter { seen.insert($0).inserted }).sorted { ($0.day, $0.city ?? "") < ($1.day, $1.city ?? "") }
    }
}
