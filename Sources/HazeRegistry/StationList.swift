import HazeModel

/// One dated edition of the national station list
/// (`stations/national/YYYY-MM-DD.csv`): the stations assessed from its date
/// until the next edition. Before the oldest edition the oldest applies.
public struct StationList: Sendable {
    /// The first day the list is in force (the file's name).
    package var effective: Day
    /// The file it was read from.
    public var file: String
    /// The list's stations by code (city names through the registry's aliases).
    public internal(set) var stations: [String: Station]
    /// Codes in list order.
    package internal(set) var codes: [String]

    init(effective: Day, file: String) {
        self.effective = effective
        self.file = file
        self.stations = [:]
        self.codes = []
    }

    /// Room for `count` stations (a list's rows), so the lookup is not rehashed as it grows.
    mutating func reserveCapacity(_ count: Int) {
        stations.reserveCapacity(count)
        codes.reserveCapacity(count)
    }

    /// The station listed under `code`; nil when the list does not have it.
    public subscript(code: String) -> Station? { stations[code] }

    /// Adds a station; a code listed twice keeps its first row unless the two
    /// disagree on the city (an error: the list would put it in two cities).
    mutating func add(_ station: Station, line: Int) throws(RegistryError) {
        if let first = stations[station.code] {
            if first.city != station.city {
                throw .conflictingEntries(code: station.code, field: "city (listed twice in \(file), line \(line))",
                                          first: first.city, second: station.city)
            }
            if station.isControl && !first.isControl { stations[station.code]?.isControl = true }
            return
        }
        stations[station.code] = station
        codes.append(station.code)
    }
}
