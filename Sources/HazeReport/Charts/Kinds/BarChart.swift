import HazeModel

/// The ranking's horizontal bar chart: one bar per unit, best at the top, a
/// limit as a dashed vertical line. A unit whose mean is not valid gets a
/// grey hatched bar with its value in parentheses, so it is seen but not
/// mistaken for a valid one. Every encoding is in the legend; no label is
/// drawn over the limit line (the line's name is in the legend, and a value
/// label that would cross it moves to its far side).
struct BarChart: Sendable {
    struct Bar: Sendable {
        var label: String
        var value: Int?
        var valid: Bool
    }

    var title: String
    var bars: [Bar]
    var limit: Int
    /// What the limit is and why it is the one drawn, for the legend.
    var limitLabel: String
    /// What a valid bar is (`PM2.5 月均浓度`).
    var valueLabel: String
    /// What a hatched bar is.
    var invalidLabel: String
    var unitLabel: String
    var color: String
    /// The axis end; shared by the parts of a split chart so they compare.
    var axisMaximum: Int?
    /// Rank of the first bar, for the caption of a part.
    var firstPosition = 1
    /// Every label of the whole chart: the parts of a split chart leave the
    /// same room for names, so their bars start at the same x.
    var allLabels: [String]?
    /// Only the first part of a split chart repeats the legend.
    var showsLegend = true

    /// A chart longer than this is drawn in parts of this many bars.
    static let barsPerPart = 40

    var maximum: Int { axisMaximum ?? Self.niceMaximum(max(limit, bars.compactMap(\.value).max() ?? 0)) }

    /// The chart in parts of at most `barsPerPart` bars on one scale (the
    /// city level has 367 units: one image would be 9000 px tall).
    var parts: [BarChart] {
        guard bars.count > Self.barsPerPart else { return [self] }
        let shared = maximum
        return stride(from: 0, to: bars.count, by: Self.barsPerPart).map { start in
            var part = self
            part.bars = Array(bars[start ..< min(start + Self.barsPerPart, bars.count)])
            part.axisMaximum = shared
            part.firstPosition = start + 1
            part.allLabels = bars.map(\.label)
            part.showsLegend = start == 0
            return part
        }
    }

    func svg(width: ChartWidth, idPrefix: String = "bars", standalone: Bool = false) -> String {
        let font = width.isNarrow ? 12.0 : 13.0
        var legend = ChartLegend()
        if bars.contains(where: { $0.valid && $0.value != nil }) { legend.add(.box(fill: color, stroke: nil), valueLabel) }
        var canvas = SVGCanvas(width: width.width, idPrefix: idPrefix)
        let hatch = canvas.id("hatch")
        canvas.define("<pattern id=\"\(hatch)\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#e0e0e0\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#b0b0b0\" stroke-width=\"3\"/></pattern>")
        if bars.contains(where: { !$0.valid && $0.value != nil }) { legend.add(.pattern(fill: "url(#\(hatch))"), invalidLabel) }
        legend.add(.line(color: ChartPalette.limit, width: 2, dash: "6 4"), limitLabel)
        let frame = ChartFrame(title: title, subtitle: "", legend: showsLegend ? legend : ChartLegend(), notes: [], width: width,
                               drawsTitle: standalone)
        let top = frame.drawHeader(on: &canvas)
        let row = width.isNarrow ? 22.0 : 24.0
        let labelWidth = min((allLabels ?? bars.map(\.label)).map { TextMeasure.width($0, fontSize: font) }.max() ?? 40, width.width * 0.38)
        let plotLeft = width.padding + labelWidth + 8
        let valueRoom = TextMeasure.width("(0000)", fontSize: font) + 6
        let plotRight = width.width - width.padding - valueRoom
        let maximum = self.maximum
        func x(_ value: Int) -> Double {
            plotLeft + (plotRight - plotLeft) * Double(min(max(value, 0), maximum)) / Double(max(maximum, 1))
        }
        let plotTop = top + 4
        let plotBottom = plotTop + Double(bars.count) * row
        let step = Self.tickStep(maximum, room: plotRight - plotLeft, fontSize: font)
        var tick = 0
        while tick <= maximum {
            canvas.line(x(tick), plotTop - 2, x(tick), plotBottom + 4, stroke: tick == 0 ? ChartPalette.axis : ChartPalette.grid)
            canvas.text(String(tick), x(tick), plotBottom + 6 + font, size: font, anchor: .middle, fill: ChartPalette.axis)
            tick += step
        }
        let lx = x(limit).rounded()
        canvas.open("g", [("class", "bars")])
        for (i, bar) in bars.enumerated() {
            let y = plotTop + Double(i) * row
            let label = TextMeasure.width(bar.label, fontSize: font) > labelWidth ? String(bar.label.prefix(10)) + "…" : bar.label
            canvas.text(label, plotLeft - 8, y + row / 2 + font * 0.36, size: font, anchor: .end)
            guard let value = bar.value else {
                canvas.text("—", plotLeft + 5, y + row / 2 + font * 0.36, size: font, fill: ChartPalette.noDataText)
                continue
            }
            let end = x(value)
            canvas.rect(plotLeft, y + 4, max(1, end - plotLeft), row - 8, fill: bar.valid ? color : "url(#\(hatch))",
                        [("data-unit", bar.label), ("data-value", String(value)), ("data-valid", bar.valid ? "1" : "0")])
            let text = bar.valid ? String(value) : "(\(value))"
            let textWidth = TextMeasure.width(text, fontSize: font)
            var tx = end + 5
            // A label that would cross the limit line goes to the line's far side.
            if tx - 2 < lx + 3, tx + textWidth + 2 > lx - 3 { tx = lx + 5 }
            canvas.text(text, tx, y + row / 2 + font * 0.36, size: font)
        }
        canvas.close("g")
        canvas.line(lx, plotTop - 4, lx, plotBottom + 4, stroke: ChartPalette.limit, width: 2, dash: "6 4", [("class", "limit")])
        canvas.height = plotBottom + font + 14 + width.padding / 2
        return canvas.document(title: title, standalone: standalone)
    }

    /// The axis end: a whole number of ticks at or above `value × 1.08`.
    static func niceMaximum(_ value: Int) -> Int {
        // Clamped first, so the conversion back to Int cannot trap.
        let capped = Double(min(max(value, 0), 1_000_000))
        let target = max(10, Int((capped * 1.08).rounded(.up)))
        let step = tickStep(target, room: .infinity, fontSize: 12)
        return (target + step - 1) / step * step
    }

    /// 1, 2 or 5 times a power of ten, giving at most eight ticks whose labels fit in `room`.
    static func tickStep(_ maximum: Int, room: Double, fontSize: Double) -> Int {
        var power = 1
        while power * 10 <= maximum { power *= 10 }
        let label = TextMeasure.width(String(maximum), fontSize: fontSize) + 10
        for step in [power / 5, power / 2, power, power * 2, power * 5] where step > 0 && maximum / step <= 8 {
            if room.isInfinite || room / Double(max(1, maximum / step)) >= label { return step }
        }
        return power * 5
    }
}

extension BarChart: Chart {}
