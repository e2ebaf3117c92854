/// Parses ISO-8601 timestamps to an hour, without Foundation.
///
/// Accepted: `2019-01-01T08:00:00+08:00`, `2019-01-01T00:00Z`, `2019-01-01 08:00`,
/// `2019-01-01T08`, with `T` or a space. A time without an offset is read in
/// the store's zone. `parse` wants minutes and seconds zero (hourly readings);
/// `instant` gives the minute, for minute data aggregated into hours.
/// The date must be in the supported calendar (years 1900–2200) and an
/// offset within ±14:00, so every hour parsed is far from any bound.
package enum ISOHour {
    package enum Failure: Error, Equatable, CustomStringConvertible {
        case malformed
        case notOnTheHour
        /// A real date outside `SupportedCalendar`.
        case outsideSupportedCalendar
        /// An offset beyond ±14:00 (`+99:00`), or with minutes above 59.
        case offsetOutOfRange

        package var description: String {
            switch self {
            case .malformed: "not an ISO-8601 time (e.g. 2019-01-01T08:00+08:00)"
            case .notOnTheHour: "not on the hour (readings are hourly means)"
            case .outsideSupportedCalendar: "outside the supported calendar (\(SupportedCalendar.description))"
            case .offsetOutOfRange: "at a UTC offset beyond ±14:00"
            }
        }
    }

    package static func parse(_ text: some StringProtocol, defaultZone: LocalZone) -> Result<Hour, Failure> {
        switch instant(text, defaultZone: defaultZone) {
        case .failure(let failure): return .failure(failure)
        case .success(let minute):
            guard minute.second == 0, minute.index % 60 == 0 else { return .failure(.notOnTheHour) }
            return .success(Hour(minute.index / 60))
        }
    }

    /// The minute a timestamp names: minutes since 1970-01-01T00:00Z (`index`),
    /// with its seconds (non-zero when the text has seconds or a fraction).
    /// For minute data; every offset within ±14:00 is accepted, half hours too.
    package static func instant(_ text: some StringProtocol, defaultZone: LocalZone) -> Result<(index: Int, second: Int), Failure> {
        let b = Array(text.utf8)
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= b.count else { return nil }
            var n = 0
            for i in at..<at + count {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                n = n * 10 + Int(b[i] - 48)
            }
            return n
        }
        guard b.count >= 13, let y = digits(0, 4), b[4] == UInt8(ascii: "-"), let mo = digits(5, 2),
              b[7] == UInt8(ascii: "-"), let d = digits(8, 2),
              b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " ") || b[10] == UInt8(ascii: "t"),
              let h = digits(11, 2), let date = CivilDate(year: y, month: mo, day: d) else { return .failure(.malformed) }
        var i = 13
        var minute = 0
        var second = 0
        if i < b.count, b[i] == UInt8(ascii: ":") {
            guard let m = digits(i + 1, 2) else { return .failure(.malformed) }
            minute = m
            i += 3
            if i < b.count, b[i] == UInt8(ascii: ":") {
                guard let s = digits(i + 1, 2) else { return .failure(.malformed) }
                second = s
                i += 3
                if i < b.count, b[i] == UInt8(ascii: ".") {
                    i += 1
                    while i < b.count, b[i] >= 48, b[i] <= 57 {
                        if b[i] != 48 { second = 1 }
                        i += 1
                    }
                }
            }
        }
        var offsetMinutes = defaultZone.offsetMinutes
        if i < b.count {
            if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
                offsetMinutes = 0
                i += 1
            } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
                guard let oh = digits(i + 1, 2) else { return .failure(.malformed) }
                var om = 0
                if let m = digits(i + 3, 2) { om = m; i += 5 }
                else if i + 3 < b.count, b[i + 3] == UInt8(ascii: ":"), let m = digits(i + 4, 2) { om = m; i += 6 }
                else { i += 3 }
                guard om <= 59, oh * 60 + om <= LocalZone.offsetHoursRange.upperBound * 60 else {
                    return .failure(i == b.count ? .offsetOutOfRange : .malformed)
                }
                offsetMinutes = sign * (oh * 60 + om)
            }
        }
        guard i == b.count, h <= 23, minute <= 59, second <= 59 else { return .failure(.malformed) }
        guard SupportedCalendar.contains(date) else { return .failure(.outsideSupportedCalendar) }
        return .success((Day(date).index * 1440 + h * 60 + minute - offsetMinutes, second))
    }
}
