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
    /// (GB/T 8170) to whole µg/m³. Refuses text, negatives and values above
    /// 10000 µg/m³ (a 99999 "missing" code among them).
    @inline(__always)
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Parsed {
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
        var fractionDigits: [UInt8] = []
        if i < end && bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, bytes[i] >= 48, bytes[i] <= 57 {
                fractionDigits.append(bytes[i] - 48)
                i += 1
            }
        }
        guard i == end, digits + fractionDigits.count > 0 else { return .invalid("not a number") }
        if negative && (whole > 0 || fractionDigits.contains { $0 != 0 }) {
            return .invalid("negative concentration")
        }
        var value = whole
        if let first = fractionDigits.first {
            // Half to even on the decimal digits themselves: exact, no float.
            let rest = fractionDigits.dropFirst()
            let restNonZero = rest.contains { $0 != 0 }
            if first > 5 || (first == 5 && restNonZero) || (first == 5 && !restNonZero && whole % 2 == 1) {
                value += 1
            }
        }
        guard value <= Pollutant.maximumConcentration else {
            return .invalid("\(value) µg/m³ is above the 0–\(Pollutant.maximumConcentration) µg/m³ range")
        }
        return .value(value)
    }
}
