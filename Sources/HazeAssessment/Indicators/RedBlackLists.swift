/// 红黑榜: the best and worst N units of an indicator ranking, and the N
/// most improved and N most deteriorated (RULES.md §11).
///
/// - red list (红榜): valid units whose rank is ≤ N (ties at the cut all in);
/// - black list (黑榜): valid units whose rank counted from the worst end is ≤ N;
/// - most improved (改善幅度前 N): units whose year-on-year change is an
///   improvement (negative; for the good-day ratio positive), ranked among
///   themselves, most improved first, place ≤ N;
/// - most deteriorated (恶化幅度前 N): units whose change is a deterioration,
///   **except units whose six pollutants all meet Grade II this period**
///   (环办监测函〔2017〕197号: cities attaining every standard do not enter the
///   worsening ranking) — those are named in `spared`.
///
/// Places are "min" ranks within the list (1, 2, 2, 4 — 并列), so a list may
/// hold more than N units when units tie at the cut.
public struct RedBlackLists: Sendable {
    /// Which list.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case red = "red_list"
        case black = "black_list"
        case mostImproved = "most_improved"
        case mostDeteriorated = "most_deteriorated"

        /// The list's heading in Chinese and English.
        public var title: (zh: String, en: String) {
            switch self {
            case .red: ("红榜（最好）", "Red list (best)")
            case .black: ("黑榜（最差）", "Black list (worst)")
            case .mostImproved: ("改善幅度最大", "Most improved")
            case .mostDeteriorated: ("恶化幅度最大", "Most deteriorated")
            }
        }
    }

    /// One unit on a list and its place there.
    public struct Place: Sendable {
        /// The place on the list (1 = first; tied units share a place).
        public var place: Int
        /// The unit's entry in the ranking.
        public var entry: IndicatorRanking.Entry
    }

    /// One list and the units on it.
    public struct Listing: Sendable {
        /// Which list.
        public var kind: Kind
        /// The N asked for.
        public var size: Int
        /// The units, in place order; more than `size` when units tie at the cut.
        public var places: [Place]
    }

    package var listings: [Listing]
    /// Units that deteriorated but attain every Grade II limit, left out of
    /// the "most deteriorated" list (empty unless that list was asked for).
    package var spared: [IndicatorRanking.Entry]

    /// The lists of `kinds` for which a size is given: `top` sizes the red
    /// and most-improved lists, `bottom` the black and most-deteriorated ones.
    public init(ranking: IndicatorRanking, top: Int?, bottom: Int?, kinds: [Kind] = Kind.allCases) {
        let higherIsBetter = ranking.indicator.higherIsBetter
        let entries = ranking.entries
        // Oriented so that smaller is better.
        func better(_ value: Int) -> Int { higherIsBetter ? -value : value }
        var listings: [Listing] = []
        var spared: [IndicatorRanking.Entry] = []
        for kind in kinds {
            let size: Int?
            let candidates: [IndicatorRanking.Entry]
            let key: (IndicatorRanking.Entry) -> Int
            switch kind {
            case .red:
                size = top
                candidates = entries.filter { $0.isValid && $0.value != nil }
                key = { better($0.value ?? 0) }
            case .black:
                size = bottom
                candidates = entries.filter { $0.isValid && $0.value != nil }
                key = { -better($0.value ?? 0) }
            case .mostImproved:
                size = top
                candidates = entries.filter { $0.change.map { better($0) < 0 } ?? false }
                key = { better($0.change ?? 0) }
            case .mostDeteriorated:
                size = bottom
                let worse = entries.filter { $0.change.map { better($0) > 0 } ?? false }
                spared = worse.filter { $0.attainsGradeII == true }
                candidates = worse.filter { $0.attainsGradeII != true }
                key = { -better($0.change ?? 0) }
            }
            guard let size else { continue }
            let places = Ranks.ascending(candidates.map { Optional(key($0)) })
            let listed = zip(places, candidates).filter { $0.0 <= size }.map { Place(place: $0.0, entry: $0.1) }
                .sorted { ($0.place, $0.entry.unit.label) < ($1.place, $1.entry.unit.label) }
            listings.append(Listing(kind: kind, size: size, places: listed))
        }
        self.listings = listings
        self.spared = spared
    }

    /// The list of `kind`; nil when it was not formed (e.g. no change lists without last year's figures).
    public func listing(_ kind: Kind) -> Listing? { listings.first { $0.kind == kind } }
}
