import HazeModel

/// A moment to the second in the store's zone, for the delivery and
/// acknowledgement records: `2019-03-01T00:05:17+08:00`.
package enum WallTime {
    package static func format(_ seconds: Double, zone: LocalZone) -> String {
        guard seconds.isFinite else { return "—" }
        let whole = Int(max(min(seconds, 1e13), -1e13).rounded(.down))
        let hour = Hour(Int((Double(whole) / 3600).rounded(.down)))
        let within = whole - hour.index * 3600
        let text = zone.format(hour)
        // zone.format gives YYYY-MM-DDTHH:00±HH:MM; the minutes and seconds go in.
        return String(text.prefix(14)) + CivilDate.pad(within / 60, 2) + ":" + CivilDate.pad(within % 60, 2) + text.dropFirst(16)
    }
}
