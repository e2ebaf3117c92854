/// One stored time series: a station's readings of one pollutant.
public struct SeriesKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Station codes are stored in a fixed 24-byte field.
    package static let maximumCodeLength = 24

    /// The station code (at most 24 bytes, the store's fixed field).
    public let station: String
    /// The pollutant measured.
    public let pollutant: Pollutant

    /// The series of `pollutant` at `station` (a station code, e.g. `1001A`).
    public init(station: String, pollutant: Pollutant) {
        self.station = station
        self.pollutant = pollutant
    }

    public static func < (a: SeriesKey, b: SeriesKey) -> Bool {
        (a.station, a.pollutant) < (b.station, b.pollutant)
    }

    public var description: String { "\(station)/\(pollutant.displayName)" }
}
