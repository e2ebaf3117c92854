import HazeModel
import HazeRegistry
import HazeStore

/// What a parser read from one payload, before anything is stored.
///
/// Readings refer to series by a batch-local key number, so parsers never touch
/// the store; the ingester resolves the keys to store indices in one step.
package struct ParsedBatch: Sendable {
    /// One value read: the batch-local key of its series, the hour index, the
    /// checked value in the stored unit, and the source line it came from.
    package struct Reading: Sendable, Hashable {
        package var key: Int32
        package var hour: Int32
        package var value: UInt16
        package var line: Int32
    }

    package private(set) var keys: [SeriesKey] = []
    private var keyNumbers: [SeriesKey: Int32] = [:]
    package var readings: [Reading] = []
    /// `readings` as the store's, converted ahead by a parse worker with the
    /// store indices `indices` of `keys` (the writer's resolution when the
    /// worker read it); used only when the writer resolves the keys to
    /// exactly these indices.
    package var converted: (readings: [StoredReading], indices: [Int])?
    package var rejections: [Rejection] = []
    /// Whole-file observations: missing hours, truncation, skipped columns.
    package var notes: [String] = []
    package var linesRead = 0
    /// Non-empty PM cells or rows seen (stored, refused or skipped).
    package var valuesRead = 0
    /// Rows of other pollutants (AQI, SO2, *_24h …), skipped by design.
    var otherRowsSkipped = 0
    /// Rows with no value (an empty value cell, an OpenAQ `null`): nothing to store.
    var rowsWithoutValue = 0
    /// Values CNEMC derives (a snapshot's `aqi`, `_24h` and 8-hour columns): not stored, by design.
    var derivedValuesSkipped = 0
    /// Snapshot cells marked `/` (the station does not measure that pollutant).
    var notMonitored = 0
    /// Values of stations outside the registry skipped under `--unknown-stations skip`.
    var unknownSkipped = 0
    /// For day files: the local dates present and how many of their hours had
    /// both PM rows (24 = a complete day; `haze pull` fetches incomplete ones again).
    package var hoursPerDate: [CivilDate: Int] = [:]

    package init() {}

    /// The batch-local number of a series, added on first use.
    package mutating func key(_ key: SeriesKey) -> Int32 {
        if keyNumbers.isEmpty && !keys.isEmpty {
            for (i, existing) in keys.enumerated() { keyNumbers[existing] = Int32(i) }
        }
        if let n = keyNumbers[key] { return n }
        let n = Int32(keys.count)
        keys.append(key)
        keyNumbers[key] = n
        return n
    }

    /// Adds a key known to be new (the wide parser's columns are unique), without hashing it.
    mutating func appendNewKey(_ key: SeriesKey) -> Int32 {
        let n = Int32(keys.count)
        keys.append(key)
        return n
    }

    /// `value` is a checked concentration (0…10000, parsers refuse the rest); an
    /// hour always fits 32 bits (`Hour.representable`); a line number beyond
    /// 2^31 − 1 is shown as that.
    mutating func append(key: Int32, hour: Hour, value: Int, line: Int) {
        readings.append(Reading(key: key, hour: Int32(hour.index), value: UInt16(value), line: Int32(clamping: line)))
    }
}

/// What the ingester does with a value of a station missing from the registry.
public enum UnknownStationPolicy: String, Sendable, CaseIterable {
    /// Refuse it into the quarantine (default: nothing is lost, nothing unexpected is ranked).
    case quarantine
    /// Store it anyway; it is queryable by code but belongs to no city or district.
    case store
    /// Count it in the summary and drop it (for a city ingesting the national files).
    case skip
}

/// Everything a parser needs to know besides the bytes.
package struct ParseContext: Sendable {
    /// The source's name for messages and the quarantine (a path or `stdin`).
    package var source: String
    package var zone: LocalZone
    /// Readings after this hour are refused as "in the future" (a bad date
    /// must not advance the ring and push real data out of the window).
    package var latestHour: Hour
    package var registry: StationRegistry
    package var unknownStations: UnknownStationPolicy

    package init(source: String, zone: LocalZone, latestHour: Hour, registry: StationRegistry,
                unknownStations: UnknownStationPolicy) {
        self.source = source
        self.zone = zone
        self.latestHour = latestHour
        self.registry = registry
        self.unknownStations = unknownStations
    }

    /// How to treat a station code: `nil` means accept it.
    func refusal(for station: String) -> UnknownStationPolicy? {
        registry.contains(station) || unknownStations == .store ? nil : unknownStations
    }
}
