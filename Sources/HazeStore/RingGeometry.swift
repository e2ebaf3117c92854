import HazeModel

/// The shape of a ring file: how many time steps and series it holds, and
/// where its row directory and rows begin. Both rings are row-per-time-step:
/// one row holds every series' value for one hour (or day), so an ingest of
/// one hour for all stations dirties one contiguous row, not one page per
/// station.
///
///     0                  header (two copies, see `RingHeader`)
///     4096               series table (hourly ring only): 32 bytes per series
///     directory offset   row directory: 64 bytes per row (`RowEntry`)
///     data offset        rows: capacity × series capacity × slot bytes
package struct RingGeometry: Equatable, Sendable {
    /// Time steps the ring holds (hours or days).
    package var capacity: Int
    /// Series slots per row; grows (by rewriting the file) when stations are added.
    package var seriesCapacity: Int
    /// Bytes per slot: 2 (hourly) or 8 (daily).
    package var slotBytes: Int
    /// Offset of the row directory.
    package var directoryOffset: Int
    /// Offset of row 0.
    package var dataOffset: Int

    package static let pageSize = 4096
    package static let entryBytes = 64
    package static let maximumCapacity = 1_000_000
    package static let maximumSeries = 4_000_000

    package var rowBytes: Int { seriesCapacity * slotBytes }
    package var fileLength: Int { dataOffset + capacity * rowBytes }

    /// Row of time step `t` (hour or day index): `t mod capacity`.
    @inline(__always) package func row(_ t: Int) -> Int {
        let r = t % capacity
        return r < 0 ? r + capacity : r
    }

    @inline(__always) package func rowOffset(_ t: Int) -> Int { dataOffset + row(t) * rowBytes }

    @inline(__always) package func offset(step t: Int, series: Int) -> Int {
        rowOffset(t) + series * slotBytes
    }

    @inline(__always) package func entryOffset(_ t: Int) -> Int { directoryOffset + row(t) * Self.entryBytes }

    package static func roundUpToPage(_ n: Int) -> Int { (n + pageSize - 1) / pageSize * pageSize }

    /// The layout of a ring: the header page, a table of `tableEntryBytes`
    /// per series (0 for the daily ring), the row directory, the rows.
    package static func layout(capacity: Int, seriesCapacity: Int, slotBytes: Int, tableEntryBytes: Int) -> RingGeometry {
        let directory = RingHeader.regionSize + roundUpToPage(seriesCapacity * tableEntryBytes)
        let data = roundUpToPage(directory + capacity * entryBytes)
        return RingGeometry(capacity: capacity, seriesCapacity: seriesCapacity, slotBytes: slotBytes,
                            directoryOffset: directory, dataOffset: data)
    }

    /// Series capacity for `needed` series: exactly that, so the rings hold 2
    /// (and 8) bytes per slot and nothing more. Adding stations rewrites the
    /// rings once per ingest that brings new ones.
    package static func seriesCapacity(for needed: Int) -> Int { max(1, needed) }

    /// Steps a header may name: 1900-01-01 … 2199-12-31, in hours (hourly
    /// ring) or days (daily ring). Anything else is damage.
    package static func plausibleSteps(slotBytes: Int) -> ClosedRange<Int64> {
        let first = Int64(CivilDate(year: 1900, month: 1, day: 1)?.dayNumber ?? -25567)
        let last = Int64(CivilDate(year: 2199, month: 12, day: 31)?.dayNumber ?? 84005)
        return slotBytes == 8 ? first ... last : first * 24 ... last * 24 + 23
    }
}
