import HazeModel

/// The stations a data file describes (a `cnemc-hourly` snapshot) against the
/// registry in force on the file's day: the file's stations the registry
/// lacks that day, and the registry's stations of that day the file lacks.
public struct SnapshotStationComparison: Sendable {
    /// A station of the file that the registry in force lacks.
    public struct Lacking: Sendable {
        /// The station as the file describes it.
        public var station: Station
        /// True when the registry has the code on other days (an older or a
        /// newer dated list), false when it does not know it at all.
        public var knownOnOtherDays: Bool
    }

    /// The day whose registry the file is compared with.
    public var day: Day
    /// The stations of the file in scope (all, or those of `city`).
    public var fileStations: Int
    /// Stations of the file the registry does not have on `day`, by code.
    public var notInRegistry: [Lacking]
    /// Stations the registry has on `day` that the file does not, by code.
    /// Micro-sensors only when the file holds at least one of the registry's
    /// (a national platform's snapshot has none: listing every sensor would bury
    /// the standard stations that are really missing).
    public var absentFromFile: [Station]
    /// The registry's micro-sensors of `day` (in scope) absent from a file that holds none: counted, not listed.
    public var sensorsNotCompared: Int = 0

    /// Compares; `city` limits both sides to one city (the file's `area`
    /// read through the registry's aliases, so `北京市` is `北京`).
    public init(stations: [Station], registry: StationRegistry, on day: Day, city: String? = nil) {
        self.day = day
        let inForce = registry.stations.compactMap { registry.station($0.code, on: day) }
        let inForceCodes = Set(inForce.map(\.code))
        let everCodes = Set(registry.stations.map(\.code))
        let scoped = stations.filter { city == nil || (registry.city(named: $0.city) ?? $0.city) == city }
        let fileCodes = Set(scoped.map(\.code))
        fileStations = scoped.count
        notInRegistry = scoped.filter { !inForceCodes.contains($0.code) }
            .map { Lacking(station: $0, knownOnOtherDays: everCodes.contains($0.code)) }
            .sorted { $0.station.code < $1.station.code }
        let absent = inForce.filter { (city == nil || $0.city == city) && !fileCodes.contains($0.code) }
            .sorted { $0.code < $1.code }
        let fileHasSensors = inForce.contains { $0.isSensor && fileCodes.contains($0.code) }
        absentFromFile = fileHasSensors ? absent : absent.filter { !$0.isSensor }
        sensorsNotCompared = absent.count - absentFromFile.count
    }
}
