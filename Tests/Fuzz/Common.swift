// Shared by the libFuzzer targets (compiled into one module with HazeKit's sources).

enum FuzzFixture {
    static let registry = StationRegistry(stations: ["1001A", "1002A", "1003A", "2067A", "OAQ-1"].map {
        Station(code: $0, name: "s", city: "c", district: "d")
    })

    static func context(_ policy: UnknownStationPolicy = .quarantine) -> ParseContext {
        ParseContext(source: "fuzz", zone: .beijing, latestHour: Hour(600_000), registry: registry, unknownStations: policy)
    }

    static func bytes(_ start: UnsafeRawPointer, _ count: Int) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: start, count: count))
    }
}
