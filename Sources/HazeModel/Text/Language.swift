/// The language of report labels. Names from the registry are never translated.
public enum Language: String, Sendable, CaseIterable {
    case zh, en

    /// Picks the text for this language.
    public func text(_ zh: String, _ en: String) -> String { self == .zh ? zh : en }

    /// `2019年1月` / `January 2019`
    public func month(_ month: Month) -> String {
        switch self {
        case .zh: return "\(month.year)年\(month.month)月"
        case .en:
            let names = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                         "October", "November", "December"]
            return "\(names[month.month - 1]) \(month.year)"
        }
    }

    /// A period of months: `2019年1月—2月`, `2019年` / `January–February 2019`, `2019`.
    public func period(_ months: [Month], calendarYear: Bool) -> String {
        guard let first = months.first, let last = months.last else { return "" }
        if calendarYear { return self == .zh ? "\(first.year)年" : String(first.year) }
        if first == last { return month(first) }
        switch self {
        case .zh:
            return first.year == last.year ? "\(first.year)年\(first.month)—\(last.month)月"
                                           : "\(month(first))—\(month(last))"
        case .en:
            return "\(month(first)) – \(month(last))"
        }
    }

    /// `1st`, `2nd` / `第1名`
    package func ordinal(_ n: Int) -> String {
        if self == .zh { return "第\(n)名" }
        let suffix: String
        switch (n % 10, n % 100) {
        case (1, let t) where t != 11: suffix = "st"
        case (2, let t) where t != 12: suffix = "nd"
        case (3, let t) where t != 13: suffix = "rd"
        default: suffix = "th"
        }
        return "\(n)\(suffix)"
    }
}
