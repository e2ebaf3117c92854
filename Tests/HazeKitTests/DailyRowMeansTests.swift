import Foundation
import Testing
@testable import HazeModel
@testable import HazeStore

/// `DailyRow.validMeans(of:)` decodes slots in place for speed; it must give
/// exactly what summing `DailyValue(packed:code:).validMean` gives, for every
/// kind of slot: values of 20–24 hours and fewer, O3 slots with their
/// statistics, values kept without their hours (bit 63), damaged slots (a
/// count above 24, a sum above the cap, O3 bits on another pollutant, bits 61–62
/// on O3) and indices outside the row.
@Suite("Daily row: a unit's valid means read in place", .onTestThreads)
struct DailyRowMeansTests {
    /// A deterministic generator (no seed from the clock: a failure reproduces).
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    }

    static func slot(_ g: inout Generator, code: UInt8) -> UInt64 {
        let maximum = HourlyRing.maximumValue
        switch g.int(0 ... 9) {
        case 0: return 0
        case 1, 2, 3:
            // A day from hours, some missing (fewer than 20 valid hours now and then); O3 with its statistics.
            let missing = g.int(0 ... 6)
            let positions: [Int?] = (0 ..< 24).map { _ in g.int(0 ... 23) < missing ? nil : g.int(0 ... (g.int(0 ... 9) == 0 ? maximum : 300)) }
            return DailyRing.pack(positions: positions, code: code)
        case 4:
            // The same, kept without its hours (bit 63): still a value.
            let positions: [Int?] = (0 ..< 24).map { _ in g.int(0 ... 9) == 0 ? nil : g.int(0 ... 500) }
            return DailyRing.pack(positions: positions, code: code) | DailyRing.keptWithoutHours
        case 5:
            // Plain sum and count, any count 0…31 and any sum up to the field's width (damage above the cap).
            return UInt64(g.int(0 ... 0x3_FFFF)) << 5 | UInt64(g.int(0 ... 31))
        case 6:
            // O3 fields on whatever pollutant, some contradicting.
            return UInt64(g.int(0 ... 240_000)) << 5 | UInt64(g.int(18 ... 24)) | UInt64(g.int(0 ... 17)) << 23
                | UInt64(g.int(0 ... 80_000)) << 28 | UInt64(g.int(0 ... 3)) << 45 | UInt64(g.int(0 ... maximum)) << 47
        case 7:
            // Bits 61–62 (never used) on an otherwise good slot.
            let positions: [Int?] = (0 ..< 24).map { _ in g.int(0 ... 200) }
            return DailyRing.pack(positions: positions, code: code) | UInt64(g.int(1 ... 3)) << 61
        case 8:
            // Only bit 63, or bit 63 on a count of zero.
            return g.int(0 ... 1) == 0 ? DailyRing.keptWithoutHours : DailyRing.keptWithoutHours | UInt64(g.int(1 ... 99)) << 5
        default:
            return g.next()
        }
    }

    @Test("validMeans equals the sum of DailyValue.validMean over every kind of slot, in the order given")
    func inPlaceEqualsDecoded() throws {
        let dir = TestPaths.temporaryDirectory("haze-daily-means")
        let count = 2_000
        let file = try MappedFile(creating: dir + "/row", length: 8 * count)
        var g = Generator(state: 20261130)
        let codes: [UInt8] = (0 ..< count).map { _ in UInt8(g.int(1 ... 8)) }
        var kinds = (o3Valid: 0, kept: 0, damaged: 0, short: 0)
        for s in 0 ..< count {
            let packed = Self.slot(&g, code: codes[s])
            file.setU64(8 * s, packed)
            let value = DailyValue(packed: packed, code: codes[s])
            if codes[s] == Pollutant.o3.rawValue && value.validMean != nil && value.o3 != nil { kinds.o3Valid += 1 }
            if packed & DailyRing.keptWithoutHours != 0 && value.validMean != nil { kinds.kept += 1 }
            if packed != 0 && !DailyRing.isValidRaw(packed, code: codes[s]) { kinds.damaged += 1 }
            if value.validHours > 0 && value.validMean == nil { kinds.short += 1 }
        }
        // The generator reaches every kind.
        #expect(kinds.o3Valid > 20 && kinds.kept > 20 && kinds.damaged > 100 && kinds.short > 20, "\(kinds)")
        let row = DailyRow(file: file, offset: 0, codes: codes)
        for trial in 0 ..< 300 {
            let size = g.int(0 ... 60)
            let series = (0 ..< size).map { _ in g.int(0 ... 30) == 0 ? [-1, count, count + 7][g.int(0 ... 2)] : g.int(0 ... count - 1) }
            var sum = 0.0, n = 0
            for s in series {
                guard s >= 0 && s < count, let mean = DailyValue(packed: file.u64(8 * s), code: codes[s]).validMean else { continue }
                sum += mean
                n += 1
            }
            let got = row.validMeans(of: series)
            #expect(got.count == n && got.sum.bitPattern == sum.bitPattern, "trial \(trial): \(got) vs (\(sum), \(n))")
        }
    }
}
