import HazeModel

/// A reading ready for the store: series index, hour and whole µg/m³.
/// Twelve bytes, so a day of national data (77 000 readings) is under 1 MB.
public struct StoredReading: Hashable, Sendable {
    public var series: Int32
    public var hour: Int32
    public var value: UInt16

    public init(series: Int, hour: Hour, value: Int) {
        self.series = Int32(series)
        self.hour = Int32(hour.index)
        self.value = UInt16(value)
    }

    public var hourStamp: Hour { Hour(Int(hour)) }
}

/// What a write did: every reading is counted in exactly one bucket.
public struct WriteReport: Sendable, Equatable {
    /// New values written into empty slots.
    public var stored = 0
    /// Readings equal to what the store already held.
    public var unchanged = 0
    /// Readings that replaced a different value (a later correction).
    public var corrected = 0
    /// Positions (in the written array) of readings older than the hourly
    /// window, refused.
    public var tooOld: [Int] = []

    public init() {}

    public var total: Int { stored + unchanged + corrected + tooOld.count }

    public static func += (a: inout WriteReport, b: WriteReport) {
        a.stored += b.stored
        a.unchanged += b.unchanged
        a.corrected += b.corrected
        a.tooOld += b.tooOld
    }
}
