#if canImport(Glibc)
import Glibc
#endif
import HazeModel

/// The hourly ring's values as one read-only table for loops that read
/// millions of them (the alerter): the window and the row layout are taken
/// once, and a value is one bounds check and one load — no row object, no
/// reference counting per read (the table holds no reference at all).
///
/// **It is valid only while the `Store` that made it is open**: it points
/// into that store's mapping and does not keep it alive, so whoever holds a
/// table holds its store too. It shows the rings as the store saw them when
/// it was made: a reader that must not mix two states checks the write
/// sequence around its reads (see `StoreSession`) and makes a new one from a
/// newly opened store after a writer committed.
package struct HourlyValues {
    @usableFromInline let base: UnsafeRawPointer
    private let length: Int
    private let readOnly: Bool
    private let geometry: RingGeometry
    /// The ring row of `first`: rows of the window follow it, wrapping once at most.
    @usableFromInline let firstRow: Int
    @usableFromInline let capacity: Int
    @usableFromInline let dataOffset: Int
    @usableFromInline let rowBytes: Int
    /// The hours it holds (hour indices; `first > last` when none).
    package let first: Int
    package let last: Int
    /// Series `0 ..< seriesCount` can be read.
    package let seriesCount: Int

    init(ring: HourlyRing, seriesCount: Int) {
        self.base = UnsafeRawPointer(ring.file.base)
        self.length = ring.file.length
        self.readOnly = !ring.file.writable
        self.geometry = ring.geometry
        let window = ring.ring.presentSteps
        // Every row the window covers, with every readable series, lies inside the mapping.
        let layoutFits = geometry.fileLength <= ring.file.length && seriesCount <= geometry.seriesCapacity
        self.first = layoutFits ? window?.lowerBound.index ?? 1 : 1
        self.last = layoutFits ? window?.upperBound.index ?? 0 : 0
        self.seriesCount = layoutFits ? seriesCount : 0
        self.firstRow = geometry.row(first)
        self.capacity = geometry.capacity
        self.dataOffset = geometry.dataOffset
        self.rowBytes = geometry.rowBytes
    }

    /// The largest slot that holds a value (a larger one is damage).
    @usableFromInline let maximumRaw = UInt16(HourlyRing.maximumRaw)

    /// The hours it holds, nil when none.
    package var window: ClosedRange<Hour>? { first <= last ? Hour(first) ... Hour(last) : nil }

    /// True when the ring holds `hour` (its row can be read; its values may all be missing).
    @inline(__always) @inlinable package func holds(_ hour: Int) -> Bool { hour >= first && hour <= last }

    /// The value of `series` at `hour` in its stored unit; nil when missing,
    /// outside the window, or a damaged slot (which `haze check` reports).
    @inline(__always) @inlinable package func value(_ series: Int, _ hour: Int) -> Int? {
        guard hour >= first, hour <= last, series >= 0, series < seriesCount else { return nil }
        // The window spans at most the ring: its rows wrap at most once (no division per read).
        var row = firstRow + (hour - first)
        if row >= capacity { row -= capacity }
        let offset = dataOffset + row * rowBytes + 2 * series
        let raw = UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
        return raw == 0 || raw > maximumRaw ? nil : Int(raw) - 1
    }

    /// Lets the kernel take back the pages of the rows of `hours` that this
    /// process has read (see `ResidentRows`): a long replay calls it for the
    /// hours behind it, so its resident memory does not grow with the history it reads.
    package func release(_ hours: ClosedRange<Int>) {
        guard readOnly else { return }
        ResidentRows.release(hours, of: geometry, base: base, length: length)
    }
}

/// Giving back the resident pages of ring rows a reader is done with:
/// `madvise(MADV_DONTNEED)` on a shared read-only mapping loses nothing (the
/// file and the page cache keep every byte; a later read faults the page in
/// again), it only takes the pages out of this process's resident set.
enum ResidentRows {
    /// Releases the pages wholly inside the rows of time steps `steps` (a page
    /// shared with a row outside them stays).
    static func release(_ steps: ClosedRange<Int>, of geometry: RingGeometry, base: UnsafeRawPointer, length: Int) {
        guard steps.count > 0 else { return }
        let page = RingGeometry.pageSize
        // At most the ring once, in at most two runs of rows.
        let count = min(steps.count, geometry.capacity)
        let firstRow = geometry.row(steps.lowerBound)
        var runs = [(firstRow, min(count, geometry.capacity - firstRow))]
        if runs[0].1 < count { runs.append((0, count - runs[0].1)) }
        for (row, rows) in runs {
            let start = geometry.dataOffset + row * geometry.rowBytes
            let end = start + rows * geometry.rowBytes
            let from = (start + page - 1) / page * page
            let to = end / page * page
            guard to > from, to <= length else { continue }
            _ = madvise(UnsafeMutableRawPointer(mutating: base + from), to - from, MADV_DONTNEED)
        }
    }
}

extension Store {
    /// The hourly values as this store sees them now (see `HourlyValues`:
    /// valid only while this store is open).
    package var hourlyValues: HourlyValues { HourlyValues(ring: hourly, seriesCount: series.count) }

    /// Lets the kernel take back the resident pages of the daily rows of
    /// `days` (day indices) this process has read; a read-only store only
    /// (see `ResidentRows`).
    package func releaseDailyRows(_ days: ClosedRange<Int>) {
        guard access == .readOnly, !daily.file.writable else { return }
        ResidentRows.release(days, of: daily.geometry, base: UnsafeRawPointer(daily.file.base), length: daily.file.length)
    }
}
