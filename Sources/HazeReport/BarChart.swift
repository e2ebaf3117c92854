/// A horizontal bar chart as inline SVG: one bar per unit, best at the top,
/// with a limit drawn as a dashed vertical line. Invalid units get a grey,
/// hatched bar so they are seen but not mistaken for valid values.
struct BarChart: Sendable {
    struct Bar: Sendable {
        var label: String
        var value: Int?
        var valid: Bool
    }

    var bars: [Bar]
    var limit: Int
    var limitLabel: String
    var unitLabel: String
    var color: String

    static let width = 760
    static let labelWidth = 150
    static let rowHeight = 24
    static let top = 28
    static let bottom = 34

    var svg: String {
        let plotLeft = Self.labelWidth
        let plotWidth = Self.width - plotLeft - 70
        let height = Self.top + bars.count * Self.rowHeight + Self.bottom
        let maximum = niceMaximum(max(limit, bars.compactMap(\.value).max() ?? 0))
        // value / maximum × width, rounded half up, in integers; a bar is at most the axis long.
        func x(_ value: Int) -> Int {
            plotLeft + (2 * plotWidth * min(max(value, 0), maximum) + maximum) / (2 * maximum)
        }
        var out = """
        <svg width="\(Self.width)" height="\(height)" viewBox="0 0 \(Self.width) \(height)" role="img" font-family="sans-serif" font-size="13">
        <defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#e0e0e0"/><line x1="0" y1="0" x2="0" y2="6" stroke="#b0b0b0" stroke-width="3"/></pattern></defs>

        """
        let step = tickStep(maximum)
        var tick = 0
        while tick <= maximum {
            let tx = x(tick)
            out += "<line x1=\"\(tx)\" y1=\"\(Self.top - 6)\" x2=\"\(tx)\" y2=\"\(height - Self.bottom + 4)\" stroke=\"#eeeeee\"/>"
            out += "<text x=\"\(tx)\" y=\"\(height - Self.bottom + 18)\" text-anchor=\"middle\" fill=\"#666\">\(tick)</text>\n"
            tick += step
        }
        let lx = x(limit)
        out += "<line x1=\"\(lx)\" y1=\"\(Self.top - 10)\" x2=\"\(lx)\" y2=\"\(height - Self.bottom + 4)\" stroke=\"#c0392b\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>"
        out += "<text x=\"\(lx + 4)\" y=\"\(Self.top - 12)\" fill=\"#c0392b\">\(HTMLText.escape(limitLabel))</text>\n"
        for (i, bar) in bars.enumerated() {
            let y = Self.top + i * Self.rowHeight
            out += "<text x=\"\(plotLeft - 8)\" y=\"\(y + 16)\" text-anchor=\"end\" fill=\"#222\">\(HTMLText.escape(bar.label))</text>"
            if let value = bar.value {
                let fill = bar.valid ? color : "url(#hatch)"
                out += "<rect x=\"\(plotLeft)\" y=\"\(y + 4)\" width=\"\(max(1, x(value) - plotLeft))\" height=\"\(Self.rowHeight - 8)\" fill=\"\(fill)\"/>"
                out += "<text x=\"\(x(value) + 5)\" y=\"\(y + 16)\" fill=\"#222\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">\(bar.valid ? String(value) : "(\(value))")</text>\n"
            } else {
                out += "<text x=\"\(plotLeft + 5)\" y=\"\(y + 16)\" fill=\"#999\">—</text>\n"
            }
        }
        out += "<text x=\"\(Self.width - 4)\" y=\"\(height - 4)\" text-anchor=\"end\" fill=\"#666\">\(HTMLText.escape(unitLabel))</text>\n"
        out += "</svg>"
        return out
    }

    /// The axis end: a whole number of ticks at or above `value × 1.08`.
    func niceMaximum(_ value: Int) -> Int {
        // Clamped first, so the conversion back to Int cannot trap.
        let capped = Double(min(max(value, 0), 1_000_000))
        let target = max(10, Int((capped * 1.08).rounded(.up)))
        let step = tickStep(target)
        return (target + step - 1) / step * step
    }

    /// 1, 2 or 5 times a power of ten, giving four to eight ticks.
    func tickStep(_ maximum: Int) -> Int {
        var power = 1
        while power * 10 <= maximum { power *= 10 }
        for step in [power / 5, power / 2, power, power * 2] where step > 0 && maximum / step <= 8 { return step }
        return power * 2
    }
}
