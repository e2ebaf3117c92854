/// Coordinates as SVG text: at most one decimal, no trailing `.0`, never
/// `nan` or `inf` (a coordinate that is not finite is drawn at 0).
enum SVGNumber {
    static func text(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let clamped = min(max(value, -1_000_000), 1_000_000)
        let tenths = Int((clamped * 10).rounded())
        let whole = tenths / 10
        let fraction = abs(tenths % 10)
        if fraction == 0 { return String(whole) }
        return (tenths < 0 && whole == 0 ? "-" : "") + "\(whole).\(fraction)"
    }

    static func text(_ value: Int) -> String { String(value) }
}
