/// Gridlines and labels of a value axis (left) and a time axis (bottom).
enum AxisDrawing {
    /// Horizontal gridlines with their values at the left of the plot.
    static func values(on canvas: inout SVGCanvas, scale: LinearScale, ticks: [Double], left: Double, right: Double,
                       fontSize: Double) {
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        canvas.open("g", [("class", "y-axis")])
        for tick in ticks {
            let y = scale(tick)
            canvas.line(left, y, right, y, stroke: tick == ticks.first ? ChartPalette.axis : ChartPalette.grid)
            canvas.text(LinearScale.label(tick, step: step), left - 5, y + fontSize * 0.35, size: fontSize,
                        anchor: .end, fill: ChartPalette.axis)
        }
        canvas.close("g")
    }

    /// Width the value labels need.
    static func valueLabelWidth(_ ticks: [Double], fontSize: Double) -> Double {
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        return (ticks.map { TextMeasure.width(LinearScale.label($0, step: step), fontSize: fontSize) }.max() ?? 10) + 8
    }

    /// Tick marks and labels under a time axis at `y`.
    static func time(on canvas: inout SVGCanvas, axis: TimeAxis, y: Double, fontSize: Double, gridTop: Double? = nil) {
        canvas.open("g", [("class", "x-axis")])
        for tick in axis.ticks(fontSize: fontSize) {
            let x = axis.x(tick.index)
            if let gridTop { canvas.line(x, gridTop, x, y, stroke: ChartPalette.grid) }
            canvas.line(x, y, x, y + 4, stroke: ChartPalette.axis)
            canvas.text(tick.label, x, y + 5 + fontSize, size: fontSize, anchor: .middle, fill: ChartPalette.axis)
        }
        canvas.close("g")
    }
}
