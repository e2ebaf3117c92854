/// The shape of a ring file: how many time steps and series it holds, and
/// where its rows begin. Both rings are row-per-time-step: one row holds every
/// series' value for one hour (or day), so an ingest of one hour for all
/// stations dirties one contiguous row, not one page per station.
struct RingGeometry: Equatable, Sendable {
    /// Time steps the ring holds (hours or days).
    var capacity: Int
    /// Series slots per row; grows (by rewriting the file) when stations are added.
    var seriesCapacity: Int
    /// Bytes per slot.
    var slotBytes: Int
    /// Offset of row 0.
    var dataOffset: Int

    var rowBytes: Int { seriesCapacity * slotBytes }
    var fileLength: Int { dataOffset + capacity * rowBytes }

    /// Row of time step `t` (hour or day index): `t mod capacity`.
    @inline(__always) func row(_ t: Int) -> Int {
        let r = t % capacity
        return r < 0 ? r + capacity : r
    }

    @inline(__always) func offset(step t: Int, series: Int) -> Int {
        dataOffset + row(t) * rowBytes + series * slotBytes
    }

    static let pageSize = 4096

    static func roundUpToPage(_ n: Int) -> Int { (n + pageSize - 1) / pageSize * pageSize }

    /// Series capacity for `needed` series: exactly that, so the rings hold 2
    /// (and 4) bytes per sample and nothing more. Adding stations rewrites
    /// the rings once per ingest that brings new ones (about 0.1 s nationally).
    static func seriesCapacity(for needed: Int) -> Int { max(1, needed) }
}

/// The sentinel for "no step written yet" in a ring header.
let emptyStep = Int64.min
