import HazeModel

/// Parses one concentration cell straight from bytes: no String, no Foundation.
///
/// The byte-level form of the checked conversion (`ExternalNumber.concentration`)
/// for the ingest's hot loop: exact decimal half-to-even on the digits, digits
/// capped before they could overflow, the same 0…10000 µg/m³ range. The
/// `numbers` fuzz target checks that both agree on every plain decimal.
enum ConcentrationText {
    enum Parsed: Equatable {
        case missing
        case value(Int)
        case invalid(String)
    }

    /// Accepts `123`, `123.4`, surrounding spaces; rounds decimals half to even
    /// (GB/T 8170) to the pollutant's stored unit: whole µg/m³, or for CO
    /// (`tenths`) tenths of mg/m³ (`1.25` → 12, `1.35` → 14). Refuses text,
    /// negatives and stored values above 10000 (a 99999 "missing" code among them).
    @inline(__always)
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, tenths: Bool = false) -> Parsed {
        var i = range.lowerBound
        var end = range.upperBound
        while i < end && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 }
        while end > i && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 || bytes[end - 1] == 0x0D) { end -= 1 }
        if i == end { return .missing }
        var negative = false
        if bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        else if bytes[i] == UInt8(ascii: "+") { i += 1 }
        var whole = 0
        var digits = 0
        while i < end, bytes[i] >= 48, bytes[i] <= 57 {
            if whole < 1_000_000_000 { whole = whole * 10 + Int(bytes[i] - 48) }
            digits += 1
            i += 1
        }
        // The fraction without an array: the kept digit (CO: the tenths), the
        // first dropped digit, and whether any dropped digit after it is non-zero.
        var fractionCount = 0
        var kept = 0, dropped = 0, restNonZero = false, anyNonZero = false
        if i < end && bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, bytes[i] >= 48, bytes[i] <= 57 {
                let digit = Int(bytes[i] - 48)
                if digit != 0 { anyNonZero = true }
                let dropIndex = tenths ? fractionCount - 1 : fractionCount
                if dropIndex < 0 { kept = digit }
                else if dropIndex == 0 { dropped = digit }
                else if digit != 0 { restNonZero = true }
                fractionCount += 1
                i += 1
            }
        }
        guard i == end, digits + fractionCount > 0 else { return .invalid("not a number") }
        if negative && (whole > 0 || anyNonZero) {
            return .invalid("negative concentration")
        }
        var value = tenths ? (whole < 1_000_000_000 ? whole * 10 + kept : whole) : whole
        // Half to even on the decimal digits themselves: exact, no float.
        if dropped > 5 || (dropped == 5 && restNonZero) || (dropped == 5 && !restNonZero && value % 2 == 1) {
            value += 1
        }
        guard value <= Pollutant.maximumConcentration else {
            if tenths {
                return .invalid("\(GBT8170.format(Double(value) / 10, decimals: 1)) mg/m³ is above the 0–\(Pollutant.maximumConcentration / 10) mg/m³ range")
            }
            return .invalid("\(value) µg/m³ is above the 0–\(Pollutant.maximumConcentration) µg/m³ range")
        }
        return .value(value)
    }

    /// `plain` found an empty cell.
    static let empty = -1
    /// `plain` found something other than a plain decimal: read the cell with `parse`.
    static let notPlain = -2

    /// The ingest's fast form of `parse` for the cells nearly every file
    /// holds — `[0-9]*(.[0-9]*)?`, at most five whole digits, nothing around
    /// them — with the same rules: the same value (half to even to the
    /// stored unit, `tenths` for CO) when `parse` gives a value in range,
    /// and `notPlain` whenever `parse` would need to look further (spaces,
    /// signs, text, a lone dot, leading zeros beyond five digits, a value
    /// above the range), so the caller hands those cells to `parse`. An
    /// empty cell is `empty`. Reads from `i` and leaves `i` at the first
    /// byte that is not part of the number: the caller checks that it is
    /// the cell's separator, and `base` must hold one (a byte that is no
    /// digit or dot) after the cell, so no bounds check is needed here.
    /// `maximum` is `Pollutant.maximumConcentration`, read once by the caller
    /// (a global of another module is a call each time it is read).
    /// Checked against `parse` by `ConcentrationTextTests`.
    @inline(__always)
    static func plain(_ base: UnsafePointer<UInt8>, _ i: inout Int, tenths: Bool, maximum: Int) -> Int {
        var whole = 0, digits = 0
        var d = base[i] &- 48
        while d < 10 {
            whole = whole &* 10 &+ Int(d)
            digits &+= 1
            i &+= 1
            d = base[i] &- 48
        }
        guard digits <= 5 else { return notPlain }
        var value = tenths ? whole &* 10 : whole
        if base[i] == UInt8(ascii: ".") {
            i &+= 1
            var fraction = 0, dropped = 0, restNonZero = false
            d = base[i] &- 48
            if tenths && d < 10 {
                value &+= Int(d)
                fraction = 1
                i &+= 1
                d = base[i] &- 48
            }
            if d < 10 {
                dropped = Int(d)
                fraction &+= 1
                i &+= 1
                d = base[i] &- 48
            }
            while d < 10 {
                if d != 0 { restNonZero = true }
                fraction &+= 1
                i &+= 1
                d = base[i] &- 48
            }
            guard digits + fraction > 0 else { return notPlain }
            if dropped > 5 || (dropped == 5 && (restNonZero || value & 1 == 1)) { value &+= 1 }
        } else if digits == 0 {
            return empty
        }
        return value <= maximum ? value : notPlain
    }
}
