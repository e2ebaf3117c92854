/// One hour on the store's time axis: hours since 1970-01-01T00:00Z.
///
/// Hours are stored in UTC; a reading labelled hour `h` (0–23) of a local date
/// is the hour that starts at `h`:00 local time.
public struct Hour: Hashable, Comparable, Strideable, Sendable, CustomStringConvertible {
    public let index: Int

    public init(_ index: Int) { self.index = index }

    public static func < (a: Hour, b: Hour) -> Bool { a.index < b.index }
    public func distance(to other: Hour) -> Int { other.index - index }
    public func advanced(by n: Int) -> Hour { Hour(index + n) }

    /// ISO-8601 in UTC, e.g. `2019-01-01T00:00Z`.
    public var description: String {
        let day = index >= 0 ? index / 24 : (index - 23) / 24
        let hourOfDay = index - day * 24
        return "\(CivilDate(dayNumber: day))T\(CivilDate.pad(hourOfDay, 2)):00Z"
    }
}
