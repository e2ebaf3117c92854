import HazeModel

/// Every series' value at one hour: a view of one row of the hourly ring.
/// Reading a row is the fast path for anything that looks at all stations
/// at once (alerts, status). The view keeps its mapping alive, so it stays
/// safe to read even after the store has widened its rings (it then shows
/// the row as it was when taken).
public struct HourRow {
    private let file: MappedFile
    private let offset: Int
    /// Series in the row: the store's series when the row was taken.
    public let count: Int

    init(file: MappedFile, offset: Int, count: Int) {
        precondition(file.contains(offset, count * 2), "an hour row outside its ring")
        self.file = file
        self.offset = offset
        self.count = count
    }

    /// The value of a series in its stored unit, or nil when missing (or a
    /// damaged slot, which `haze check` reports).
    @inline(__always) public subscript(series: Int) -> Int? {
        guard series >= 0, series < count else { return nil }
        let raw = file.u16(offset + 2 * series)
        return raw == 0 || UInt64(raw) > HourlyRing.maximumRaw ? nil : Int(raw) - 1
    }
}

/// Every series' daily value on one day, from a row whose checksum was verified.
public struct DailyRow {
    private let file: MappedFile
    private let offset: Int
    /// Pollutant code per series, for decoding each slot.
    private let codes: [UInt8]
    /// Series in the row: the store's series, at most as many as the daily ring has room for.
    public var count: Int { codes.count }

    init(file: MappedFile, offset: Int, codes: [UInt8]) {
        precondition(file.contains(offset, codes.count * 8), "a daily row outside its ring")
        self.file = file
        self.offset = offset
        self.codes = codes
    }

    /// A series' daily value; no data (zero valid hours) for an index outside the row.
    @inline(__always) public subscript(series: Int) -> DailyValue {
        guard series >= 0, series < count else { return .empty }
        return DailyValue(packed: file.u64(offset + 8 * series), code: codes[series])
    }

    /// `validMeans(of:)` of every group of `series` (`series[group]`), each
    /// added in the order given.
    package func validMeans(of series: [Int], groups: [Range<Int>]) -> [(sum: Double, count: Int)] {
        // `validMeans(of:)` of each group, the row and the arrays' storage taken once:
        // a province's ranking asks for 1 000 units a day (per unit, the arrays'
        // retains and releases were most of the time).
        let row = file.buffer(offset, codes.count * 8)
        let maximum = UInt64(HourlyRing.maximumValue), minimumHours = Validity.minimumHoursPerDay
        var result: [(sum: Double, count: Int)] = []
        result.reserveCapacity(groups.count)
        codes.withUnsafeBufferPointer { codes in
            series.withUnsafeBufferPointer { series in
                for group in groups {
                    var sum = 0.0, count = 0
                    for s in series[group.clamped(to: 0 ..< series.count)] where s >= 0 && s < codes.count {
                        let packed = UInt64(littleEndian: row.loadUnaligned(fromByteOffset: 8 * s, as: UInt64.self))
                        if let mean = DailyValue.validMean(packed: packed, code: codes[s], maximum: maximum, minimumHours: minimumHours) {
                            sum += mean
                            count += 1
                        }
                    }
                    result.append((sum, count))
                }
            }
        }
        return result
    }

    /// The sum and number of the valid daily means of `series`, added in the
    /// order given: a unit's day is their mean. One call per unit and day
    /// instead of one per station (the subscript does not inline across modules).
    package func validMeans(of series: [Int]) -> (sum: Double, count: Int) {
        // One bounds check for the row (made when the row was taken), then
        // plain loads: a national ranking makes 200 000 of these reads.
        let row = file.buffer(offset, codes.count * 8)
        var sum = 0.0, count = 0
        codes.withUnsafeBufferPointer { codes in
            series.withUnsafeBufferPointer { series in
                for s in series where s >= 0 && s < codes.count {
                    let packed = UInt64(littleEndian: row.loadUnaligned(fromByteOffset: 8 * s, as: UInt64.self))
                    if let mean = DailyValue.validMean(packed: packed, code: codes[s]) {
                        sum += mean
                        count += 1
                    }
                }
            }
        }
        return (sum, count)
    }
}
