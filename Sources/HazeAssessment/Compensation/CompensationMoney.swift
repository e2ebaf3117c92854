import Foundation

/// Exact decimal arithmetic for compensation amounts: every figure of a
/// ledger is a `Decimal` (no binary fractions), rounded only where the
/// scheme says, half to even (GB/T 8170), so each can be redone by hand.
package enum CompensationMoney {
    /// `value` rounded to `places` decimals, half to even.
    package static func round(_ value: Decimal, _ places: Int) -> Decimal {
        var input = value
        var output = Decimal()
        NSDecimalRound(&output, &input, places, .bankers)
        return output
    }

    /// `value` rounded toward zero to `places` decimals.
    package static func truncate(_ value: Decimal, _ places: Int) -> Decimal {
        var input = value
        var output = Decimal()
        NSDecimalRound(&output, &input, places, value < 0 ? .up : .down)
        return output
    }

    /// Exactly `places` decimals: `94.5` → `94.50`, `-110` → `-110.00`.
    package static func fixed(_ value: Decimal, _ places: Int) -> String {
        let rounded = round(value, places)
        var text = rounded.description
        if text == "-0" { text = "0" }
        guard places > 0 else { return text }
        if let point = text.firstIndex(of: ".") {
            let have = text.distance(from: point, to: text.endIndex) - 1
            return text + String(repeating: "0", count: max(0, places - have))
        }
        return text + "." + String(repeating: "0", count: places)
    }

    /// The shortest exact text: `0.75`, `10`, `-8`, `3.2`.
    package static func plain(_ value: Decimal) -> String {
        let text = value.description
        return text == "-0" ? "0" : text
    }

    /// A signed amount: `+94.50`, `-110.00`, `0.00`.
    package static func signed(_ value: Decimal, _ places: Int) -> String {
        let text = fixed(value, places)
        return value > 0 && round(value, places) != 0 ? "+" + text : text
    }

    /// A double from a checked scheme or input number, as the decimal it was written as.
    package static func decimal(_ value: Double) -> Decimal {
        if let whole = Int(exactly: value) { return Decimal(whole) }
        return Decimal(string: "\(value)", locale: Locale(identifier: "en_US_POSIX")) ?? Decimal(value)
    }
}
