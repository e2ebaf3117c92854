/// One image in the journal: a copy of a row or header page as it was when
/// the rings were last synced, or the steps a write recorded.
package struct JournalImage: Sendable {
    package enum Kind: UInt8, Sendable {
        case hourlyRow = 0, dailyRow = 1, hourlyHeader = 2, dailyHeader = 3, hourRanges = 4, dayRanges = 5
    }

    package static let magic: UInt32 = 0x474D_495A  // "ZIMG"
    package static let headerBytes = 32

    package let kind: Kind
    package let step: Int
    package let payload: [UInt8]

    /// The ranges an image of kind `hourRanges` or `dayRanges` holds.
    package var ranges: [ClosedRange<Int>] {
        payload.withUnsafeBytes { raw in
            var input = ByteReader(raw)
            var out: [ClosedRange<Int>] = []
            while let first = input.i64(), let last = input.i64() {
                if let a = Int(exactly: first), let b = Int(exactly: last), a <= b { out.append(a ... b) }
            }
            return out
        }
    }
}
