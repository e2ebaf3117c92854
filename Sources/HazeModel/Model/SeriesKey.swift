/// One stored time series: a station's readings of one pollutant.
public struct SeriesKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Station codes are stored in a fixed 24-byte field.
    package static let maximumCodeLength = 24

    public let station: String
    public let pollutant: Pollutant

    public init(station: String, pollutant: Pollutant) {
        self.station = station
        self.pollutant = pollutant
    }

    public static func < (a: SeriesKey, b: SeriesKey) -> Bool {
        (a.station, a.pollutant) < (b.station, b.pollutant)
    }

    public var description: String { "\(station)/\(pollutant.displayName)" }
}
