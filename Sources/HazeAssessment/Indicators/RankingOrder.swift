/// What a ranking's rows are ordered by (`haze rank --by`): the published
/// value of the period, or its year-on-year change (改善幅度, most improved
/// first; RULES.md §11).
public enum RankingOrder: String, Sendable, Hashable, CaseIterable {
    case value
    case change
}
