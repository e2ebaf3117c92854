/// One row's entry in a ring's row directory: which step the row holds, its
/// checksum, and how many slots of each pollutant hold a value.
///
///     0    tag        u64   step + 1 (0: the row is empty, as after clearing)
///     8    hash       u64   `RowHash` sum over the row's slots
///     16   counts     8 × u32: filled slots per pollutant code 1…8
///     48   check      u64   checksum of tag, hash and counts
///     56   reserved   u64
///
/// The counts make `haze status` O(window) instead of O(slots); the tag lets
/// a damaged header's newest step be recovered from the rows themselves.
package struct RowEntry: Equatable, Sendable {
    package static let pollutantCodes = 8

    package var tag: UInt64 = 0
    package var hash: UInt64 = 0
    package var counts: [UInt32] = Array(repeating: 0, count: RowEntry.pollutantCodes)

    package static let empty = RowEntry()

    package var isEmpty: Bool { tag == 0 }
    package var step: Int? { tag == 0 ? nil : Int(truncatingIfNeeded: tag &- 1) }
    package var filled: Int { counts.reduce(0) { $0 + Int($1) } }

    package var check: UInt64 {
        var folded: UInt64 = 0
        for (i, count) in counts.enumerated() {
            folded = folded &* 0x100_0000_01B3 ^ (UInt64(count) &+ UInt64(i) << 32)
        }
        return RowHash.entry(tag: tag, hash: hash, counts: folded)
    }

    package init() {}

    package init(tag: UInt64, hash: UInt64, counts: [UInt32]) {
        self.tag = tag
        self.hash = hash
        self.counts = counts
    }

    /// Reads an entry; nil when its own check fails (a damaged entry).
    package static func read(_ file: MappedFile, at offset: Int) -> RowEntry? {
        var entry = RowEntry()
        entry.tag = file.u64(offset)
        entry.hash = file.u64(offset + 8)
        for i in 0 ..< pollutantCodes { entry.counts[i] = file.u32(offset + 16 + 4 * i) }
        let stored = file.u64(offset + 48)
        // The reserved word is zero in format 2: anything else is damage.
        guard file.u64(offset + 56) == 0 else { return nil }
        if entry == .empty && stored == 0 { return entry }
        return stored == entry.check ? entry : nil
    }

    package func write(to file: MappedFile, at offset: Int) {
        if self == .empty {
            file.zero(offset ..< offset + RingGeometry.entryBytes)
            return
        }
        file.setU64(offset, tag)
        file.setU64(offset + 8, hash)
        for i in 0 ..< Self.pollutantCodes { file.setU32(offset + 16 + 4 * i, counts[i]) }
        file.setU64(offset + 48, check)
        file.setU64(offset + 56, 0)
    }
}
