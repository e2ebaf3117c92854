import HazeModel

/// A reading ready for the store: series index, hour and raw value in the
/// pollutant's stored unit (whole µg/m³; CO in tenths of mg/m³). Twelve
/// bytes, so a day of national data (77 000 readings) is under 1 MB.
public struct StoredReading: Hashable, Sendable {
    /// The series' index in the store (`Store.index(of:)`, `Store.resolve(_:)`).
    public var series: Int32
    /// The hour's index (`Hour.index`: hours since 1970-01-01T00:00Z).
    public var hour: Int32
    /// The value in the pollutant's stored unit.
    public var value: UInt16

    /// A reading; the value must be in 0…`Pollutant.maximumConcentration`
    /// (callers pass through the checked conversion of their input).
    public init(series: Int, hour: Hour, value: Int) {
        self.series = Int32(truncatingIfNeeded: series)
        self.hour = Int32(truncatingIfNeeded: hour.index)
        self.value = UInt16(clamping: value)
    }

    package var hourStamp: Hour { Hour(Int(hour)) }
}

/// What a write did: every reading is counted in exactly one bucket.
public struct WriteReport: Sendable, Equatable {
    /// New values written into empty slots.
    public var stored = 0
    /// Readings equal to what the store already held.
    public var unchanged = 0
    /// Readings that replaced a different value (a later correction).
    package var corrected = 0
    /// Positions (in the written array) of readings older than the hourly
    /// window, refused.
    package var tooOld: [Int] = []
    /// Positions of readings so far after the store's newest hour that
    /// writing them would push history out of the hourly window, refused
    /// under the window policy (see `WindowJump`).
    package var tooNew: [Int] = []
    /// Why `tooNew` readings were refused, for the message and the quarantine.
    package var jump: WindowJump?
    /// The readings written whose station-hour holds PM2.5 above PM10, found
    /// as each hour was written (positions in the readings given): what
    /// `Store.particulateExcess` finds after the write, and for hours the
    /// write moved out of the hourly window what they held (see
    /// `Store.apply`). Nil when the write wrote nothing or reports were
    /// added up (`+=`): then ask `particulateExcess`.
    package var particulateExcess: [Store.ParticulateExcess]?

    init() {}

    /// The readings given, each counted in exactly one bucket (refused ones included).
    public var total: Int { stored + unchanged + corrected + tooOld.count + tooNew.count }

    /// Adds the counts of a later write (of another part of the same readings).
    public static func += (a: inout WriteReport, b: WriteReport) {
        a.stored += b.stored
        a.unchanged += b.unchanged
        a.corrected += b.corrected
        a.tooOld += b.tooOld
        a.tooNew += b.tooNew
        a.jump = a.jump ?? b.jump
        a.particulateExcess = nil  // positions in different arrays
    }
}

/// How far a write may move the hourly window forward in one go.
///
/// Ordinary runs move it by the hours since the last run. A reading dated
/// far ahead of the rest (a typo in a date, a wrong year in one row) would
/// otherwise move the window by years and make every earlier hour
/// unreadable, so jumps beyond `maximumJumpHours` are refused unless the
/// caller asks for them (`haze ingest --advance-window`). A jump that would
/// push days with data out of the daily ring is refused always: days are
/// never lost.
public struct WindowPolicy: Sendable, Equatable {
    /// nil: any jump within the daily ring.
    var maximumJumpHours: Int?

    /// A policy refusing jumps of more than `maximumJumpHours` hours (nil: any the daily ring can take).
    public init(maximumJumpHours: Int?) { self.maximumJumpHours = maximumJumpHours }

    /// 31 days: a month of missed runs catches up without a flag.
    public static let standard = WindowPolicy(maximumJumpHours: 31 * 24)
    /// The user asked for the window to move as far as the data go.
    public static let advanceAsNeeded = WindowPolicy(maximumJumpHours: nil)
}

/// A refused window move: from where, to where, and what it would have cost.
package struct WindowJump: Sendable, Equatable, CustomStringConvertible {
    package var from: Hour
    package var to: Hour
    /// The first hour the hourly ring would still hold after the move.
    var firstHourKept: Hour
    /// True when the move would push days with data out of the daily ring,
    /// which no flag allows.
    package var losesDays: Bool
    package var zone: LocalZone

    package var description: String {
        let distance = from.distance(to: to)
        let span = distance >= 48 ? "\(distance / 24) days" : "\(distance) hours"
        if losesDays {
            return "these readings would move the store's window from \(zone.format(from)) to \(zone.format(to)) (\(span)), beyond what the daily ring holds: days with data would be lost; refused (create a store with more days with `haze init --days`, or ingest into another store)"
        }
        return "these readings would move the store's hourly window from \(zone.format(from)) to \(zone.format(to)) (\(span) ahead); hours before \(zone.format(firstHourKept)) would leave the hourly ring (their daily values stay in the daily ring); refused — if the dates are right, run again with --advance-window"
    }
}

/// What a write did to the readings of one source (see `WriteReport`).
struct WriteTally {
    var stored = 0
    var unchanged = 0
    var corrected = 0

    mutating func add(_ other: WriteTally) {
        stored += other.stored
        unchanged += other.unchanged
        corrected += other.corrected
    }
}
