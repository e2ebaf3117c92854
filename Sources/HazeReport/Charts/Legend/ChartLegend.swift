/// The key of a chart: one entry per encoding (line, dashed limit, band,
/// colour box, hollow marker …), laid out in rows that wrap at the chart's
/// width. Every mark a chart draws has an entry.
struct ChartLegend {
    enum Swatch {
        case line(color: String, width: Double, dash: String?)
        case box(fill: String, stroke: String?)
        /// A box filled with a pattern defined in the chart (`url(#…)`).
        case pattern(fill: String)
        case marker(fill: String, stroke: String)
    }

    struct Entry {
        var swatch: Swatch
        var label: String
    }

    var entries: [Entry] = []

    mutating func add(_ swatch: Swatch, _ label: String) { entries.append(Entry(swatch: swatch, label: label)) }

    static let swatchWidth = 22.0

    /// Lays out and draws the entries from (`left`, `top`) within `width`;
    /// returns the height used.
    @discardableResult
    func draw(on canvas: inout SVGCanvas, left: Double, top: Double, width: Double, fontSize: Double) -> Double {
        guard !entries.isEmpty else { return 0 }
        let rowHeight = fontSize + 8
        var x = left
        var y = top
        canvas.open("g", [("class", "legend")])
        for entry in entries {
            let itemWidth = Self.swatchWidth + 6 + TextMeasure.width(entry.label, fontSize: fontSize) + 16
            if x > left, x + itemWidth - 16 > left + width {
                x = left
                y += rowHeight
            }
            let mid = y + rowHeight / 2
            switch entry.swatch {
            case .line(let color, let w, let dash):
                canvas.line(x, mid, x + Self.swatchWidth, mid, stroke: color, width: w, dash: dash)
            case .box(let fill, let stroke):
                canvas.rect(x + 3, mid - 6, Self.swatchWidth - 6, 12, fill: fill, stroke: stroke)
            case .pattern(let fill):
                canvas.rect(x + 3, mid - 6, Self.swatchWidth - 6, 12, fill: fill, stroke: "#b0b0b0")
            case .marker(let fill, let stroke):
                canvas.circle(x + Self.swatchWidth / 2, mid, 5, fill: fill, stroke: stroke, strokeWidth: 1.5)
            }
            canvas.text(entry.label, x + Self.swatchWidth + 6, mid + fontSize * 0.36, size: fontSize)
            x += itemWidth
        }
        canvas.close("g")
        return y + rowHeight - top
    }

    /// The height `draw` would use, without drawing.
    func height(width: Double, fontSize: Double) -> Double {
        var scratch = SVGCanvas(width: width, idPrefix: "m")
        return draw(on: &scratch, left: 0, top: 0, width: width, fontSize: fontSize)
    }
}
