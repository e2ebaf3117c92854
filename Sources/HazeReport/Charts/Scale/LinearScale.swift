/// Maps values of a domain onto pixels, with "nice" ticks (1, 2 or 5 times a
/// power of ten). A y scale maps upwards: `range` is given bottom to top.
struct LinearScale {
    var domain: ClosedRange<Double>
    var range: ClosedRange<Double>
    /// True when the range runs the other way (pixel y grows downwards).
    var flipped: Bool

    func callAsFunction(_ value: Double) -> Double {
        let span = domain.upperBound - domain.lowerBound
        let t = span > 0 ? (value - domain.lowerBound) / span : 0
        let extent = range.upperBound - range.lowerBound
        return flipped ? range.upperBound - t * extent : range.lowerBound + t * extent
    }

    /// A y scale from 0 (or `minimum`) to a nice maximum at or above `maximum`,
    /// drawn between `top` and `bottom` pixels, with about `ticks` ticks.
    static func vertical(minimum: Double = 0, maximum: Double, top: Double, bottom: Double, ticks: Int) -> (LinearScale, [Double]) {
        let (upper, step) = niceMaximum(minimum: minimum, maximum: maximum, ticks: ticks)
        let scale = LinearScale(domain: minimum ... upper, range: top ... bottom, flipped: true)
        return (scale, tickValues(minimum: minimum, maximum: upper, step: step))
    }

    static func tickValues(minimum: Double, maximum: Double, step: Double) -> [Double] {
        guard step > 0 else { return [minimum] }
        var values: [Double] = []
        var i = 0
        while true {
            let v = minimum + Double(i) * step
            if v > maximum + step * 1e-9 || i > 100 { break }
            values.append((v / step).rounded() * step)
            i += 1
        }
        return values
    }

    /// The smallest multiple of a nice step (1, 2, 2.5 or 5 × 10ⁿ) at or above
    /// `maximum`, with at most `ticks` intervals.
    static func niceMaximum(minimum: Double, maximum: Double, ticks: Int) -> (Double, Double) {
        let span = max(maximum - minimum, 1e-9)
        let target = max(1, ticks)
        var magnitude = 1.0
        while magnitude * 10 <= span { magnitude *= 10 }
        while magnitude > span { magnitude /= 10 }
        for factor in [0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20] {
            let step = magnitude * factor
            let count = (span / step - 1e-9).rounded(.up)
            if count <= Double(target) { return (minimum + count * step, step) }
        }
        return (minimum + span, span)
    }

    /// Tick text: whole numbers without decimals, others with as many as the step needs.
    static func label(_ value: Double, step: Double) -> String {
        if step >= 1 || value == value.rounded() { return String(Int(value.rounded())) }
        let decimals = step >= 0.1 ? 1 : 2
        var text = String(Int((value * (decimals == 1 ? 10 : 100)).rounded()))
        while text.count <= decimals { text = "0" + text }
        text.insert(".", at: text.index(text.endIndex, offsetBy: -decimals))
        return text
    }
}
