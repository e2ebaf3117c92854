import HazeModel

/// The facts of an active condition — the numbers a message's
/// `{placeholders}` show — kept as numbers and written out as text only when
/// a report is printed, logged or sent. A rule holds for many hours in a row
/// and most of those hours report nothing, so the text is made for the few
/// hours that are reported, not for every hour evaluated.
///
/// `text` holds facts already written out: those of episodes read back from
/// the alert state or the log, and of the kinds whose facts are rare
/// (`trend`, `feed`). Equal facts are equal as text, whichever case holds them.
package enum ConditionFacts: Sendable, Equatable, Codable, ExpressibleByDictionaryLiteral {
    case text([String: String])
    case threshold(pollutant: Pollutant, value: Double, threshold: Double, hours: Int)
    case rolling(pollutant: Pollutant, value: Int, limit: Double)
    case episode(aqi: Int, days: Int, over300: Int, pm25: Double?, pm10: Double?)
    case ratio(pm25: Double, pm10: Double, threshold: Double, hours: Int)
    case nightRise(pm25: Double, pm10: Double, evening: Double, hours: Int)
    case excess(pollutant: Pollutant, value: Int, median: Double, percent: Double, neighbours: Int, hours: Int)
    case missing(hours: Int)
    case flat(hours: Int, value: Int)
    case pm25AbovePM10(hours: Int, pm25: Int, pm10: Int)
    case drop(hours: Int, value: Int, lowest: Int)
    case coverage(reporting: Int, stations: Int, percent: Double, minimum: Double, hours: Int)

    package init(dictionaryLiteral elements: (String, String)...) {
        self = .text(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    /// The facts as the templates read them (names → text).
    package var rendered: [String: String] {
        func whole(_ value: Double) -> String { GBT8170.format(value, decimals: 0) }
        switch self {
        case .text(let facts):
            return facts
        case .threshold(let pollutant, let value, let threshold, let hours):
            return ["pollutant": pollutant.displayName, "value": whole(value), "threshold": whole(threshold),
                    "hours": String(hours)]
        case .rolling(let pollutant, let value, let limit):
            return ["pollutant": pollutant.displayName, "value": String(value), "limit": whole(limit), "hours": "24"]
        case .episode(let aqi, let days, let over300, let pm25, let pm10):
            return ["aqi": String(aqi), "days": String(days), "days_over_300": String(over300),
                    "pm25": pm25.map(whole) ?? "—", "pm10": pm10.map(whole) ?? "—"]
        case .ratio(let pm25, let pm10, let threshold, let hours):
            return ["pm10": whole(pm10), "pm25": whole(pm25), "value": whole(pm10),
                    "ratio": GBT8170.format(pm10 > 0 ? pm25 / pm10 : 0, decimals: 2), "threshold": whole(threshold),
                    "hours": String(hours)]
        case .nightRise(let pm25, let pm10, let evening, let hours):
            return ["pm25": whole(pm25), "pm10": whole(pm10), "evening": whole(evening), "rise": whole(pm25 - evening),
                    "ratio": GBT8170.format(pm25 / pm10, decimals: 2), "hours": String(hours), "value": whole(pm25)]
        case .excess(let pollutant, let value, let median, let percent, let neighbours, let hours):
            return ["pollutant": pollutant.displayName, "value": String(value), "median": GBT8170.format(median, decimals: 1),
                    "difference": whole(Double(value) - median), "percent": whole(percent),
                    "neighbours": String(neighbours), "hours": String(hours)]
        case .missing(let hours):
            return ["check": "missing", "hours": String(hours), "value": "—"]
        case .flat(let hours, let value):
            return ["check": "flat", "hours": String(hours), "value": String(value)]
        case .pm25AbovePM10(let hours, let pm25, let pm10):
            return ["check": "pm25-above-pm10", "hours": String(hours), "pm25": String(pm25), "pm10": String(pm10),
                    "value": String(pm25)]
        case .drop(let hours, let value, let lowest):
            return ["check": "drop", "hours": String(hours), "value": String(value), "neighbours_min": String(lowest)]
        case .coverage(let reporting, let stations, let percent, let minimum, let hours):
            return ["reporting": String(reporting), "stations": String(stations), "percent": whole(percent),
                    "minimum": whole(minimum), "hours": String(hours), "value": whole(percent)]
        }
    }

    /// One fact, written out.
    package subscript(name: String) -> String? { rendered[name] }

    package static func == (a: ConditionFacts, b: ConditionFacts) -> Bool { a.rendered == b.rendered }

    /// Stored (alert state) as the map of names to text, as before.
    package init(from decoder: any Decoder) throws {
        self = .text(try decoder.singleValueContainer().decode([String: String].self))
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rendered)
    }
}
