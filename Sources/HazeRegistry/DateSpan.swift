import HazeModel

/// The days a membership is in effect: `from` … `to`, both inclusive; an
/// empty end is open (`from` nil: since always, `to` nil: still in effect).
public struct DateSpan: Hashable, Sendable, CustomStringConvertible {
    /// The first day in effect (inclusive); nil: since always.
    public var from: Day?
    /// The last day in effect (inclusive); nil: still in effect.
    public var to: Day?

    /// The span `from` … `to`, both inclusive; an omitted end is open.
    public init(from: Day? = nil, to: Day? = nil) {
        self.from = from
        self.to = to
    }

    /// Every day.
    public static let always = DateSpan()

    /// Whether `day` lies in the span (both ends inclusive).
    public func contains(_ day: Day) -> Bool {
        (from.map { day >= $0 } ?? true) && (to.map { day <= $0 } ?? true)
    }

    package func overlaps(_ other: DateSpan) -> Bool {
        let start = max(from?.index ?? Int.min, other.from?.index ?? Int.min)
        let end = min(to?.index ?? Int.max, other.to?.index ?? Int.max)
        return start <= end
    }

    /// `2019-01-01…2023-02-27`, `…2025-06-29`, `2025-01-02…` or `always`.
    public var description: String {
        if from == nil && to == nil { return "always" }
        return (from?.description ?? "") + "…" + (to?.description ?? "")
    }
}
