import HazeModel

/// Every series' value at one hour: a view of one row of the hourly ring.
/// Reading a row is the fast path for anything that looks at all stations
/// at once (alerts, status); it is valid while its store is open.
public struct HourRow: @unchecked Sendable {
    let slots: UnsafePointer<UInt16>
    public let count: Int

    /// The value of a series in whole µg/m³, or nil when missing.
    @inline(__always) public subscript(series: Int) -> Int? {
        guard series >= 0, series < count else { return nil }
        let raw = UInt16(littleEndian: slots[series])
        return raw == 0 ? nil : Int(raw) - 1
    }
}

extension Store {
    /// The row of an hour inside the readable window, or nil outside it.
    public func row(at hour: Hour) -> HourRow? {
        guard let window = hourlyWindow, window.contains(hour) else { return nil }
        return HourRow(slots: hourly.row(hour), count: series.count)
    }
}
