/// The checksum of a ring row: the wrapping sum of a 64-bit mix of every
/// non-empty slot with its series index and the row's time step.
///
/// A sum of per-slot hashes (an incremental "AdHash") rather than a CRC, for
/// three properties the rings need: a write updates it in O(1) (subtract the
/// old slot's hash, add the new one's) instead of rereading the row; empty
/// slots contribute nothing, so widening a ring (zero slots appended) keeps
/// every row's checksum; and the step is mixed in, so a row read at the wrong
/// place does not verify. Any change of a slot changes the sum by a
/// pseudo-random 64-bit amount, so random damage goes unseen with
/// probability about 2⁻⁶⁴.
package enum RowHash {
    /// The contribution of one slot (0 for an empty slot).
    @inline(__always) package static func slot(_ raw: UInt64, series: Int, step: Int) -> UInt64 {
        guard raw != 0 else { return 0 }
        return mix(raw, seriesTerm: seriesTerm(series), stepTerm: stepTerm(step))
    }

    /// The series' part of the mix. It is linear in the series index
    /// (`seriesTerm(s + 1) == seriesTerm(s) &+ seriesStride`), so a pass over
    /// a row keeps it by one addition per slot instead of a multiplication.
    @inline(__always) package static func seriesTerm(_ series: Int) -> UInt64 {
        UInt64(truncatingIfNeeded: series) &* seriesStride
    }

    /// What `seriesTerm` grows by from one series to the next.
    package static let seriesStride: UInt64 = 0xC2B2_AE3D_27D4_EB4F

    /// The time step's part of the mix (the same for every slot of a row).
    @inline(__always) package static func stepTerm(_ step: Int) -> UInt64 {
        UInt64(bitPattern: Int64(step)) &* 0x1656_67B1_9E37_79F9
    }

    /// `slot(raw, series:, step:)` of a non-empty `raw` from the two terms:
    /// the same value, for loops that keep the terms instead of the indices.
    @inline(__always) package static func mix(_ raw: UInt64, seriesTerm: UInt64, stepTerm: UInt64) -> UInt64 {
        var z = raw &* 0x9E37_79B9_7F4A_7C15
        z ^= seriesTerm
        z ^= stepTerm
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The checksum of a directory entry's own fields, so a damaged entry is
    /// told apart from a damaged row.
    @inline(__always) package static func entry(tag: UInt64, hash: UInt64, counts: UInt64) -> UInt64 {
        slot(tag ^ 0xA5A5_A5A5_A5A5_A5A5, series: Int(truncatingIfNeeded: hash), step: Int(truncatingIfNeeded: counts))
    }
}
