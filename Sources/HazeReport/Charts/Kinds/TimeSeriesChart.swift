import HazeModel
import HazeAssessment

/// A subject's values over time, one panel per pollutant: the line breaks
/// where there is no valid value (the span is shaded, never drawn as zero),
/// the GB 3095 Grade II limit in force on each date is a stepped dashed line,
/// and an optional band under the plot colours each day by its AQI category.
struct TimeSeriesChart: Sendable {
    struct Panel: Sendable {
        var pollutant: Pollutant
        /// The valid value of each slot (nil: none).
        var values: [Double?]
        /// The limit in force on each slot's date.
        var limits: [Int]

        init(pollutant: Pollutant, values: [Double?], limits: [Int]) {
            self.pollutant = pollutant
            self.values = values
            self.limits = limits
        }
    }

    var title: String
    var subtitle: String
    var slots: [TimeSlot]
    var resolution: Resolution
    var panels: [Panel]
    /// Each slot's day's AQI category, when the band is asked for.
    var aqiBand: [AQICategory?]?
    var notes: [String]
    var language: Language

    var lang: Language { language }

    /// What the limit line is, for the legend.
    var limitLabel: String {
        resolution == .month
            ? lang.text("二级年平均限值（月均值无限值，仅作参照）", "Grade II annual limit (no monthly limit exists; for reference)")
            : lang.text("二级24小时平均限值（按日期适用的标准）", "Grade II 24-hour limit (the standard in force on each date)")
    }

    func svg(width: ChartWidth, idPrefix: String = "ts", standalone: Bool = false) -> String {
        var legend = ChartLegend()
        for panel in panels {
            legend.add(.line(color: ChartPalette.color(panel.pollutant), width: 2, dash: nil),
                       panel.pollutant.displayName + lang.text(resolution == .hour ? " 小时值" : resolution == .day ? " 日均值" : " 月均值",
                                                                resolution == .hour ? " hourly" : resolution == .day ? " daily mean" : " monthly mean"))
        }
        legend.add(.line(color: ChartPalette.limit, width: 2, dash: "6 4"), limitLabel)
        if panels.contains(where: { $0.values.contains(nil) }) {
            legend.add(.box(fill: ChartPalette.noData, stroke: nil),
                   resolution == .hour ? lang.text("无数据", "no value")
                                       : lang.text("无有效值（不计为0）", "no valid value (not zero)"))
        }
        if let band = aqiBand {
            for category in AQICategory.allCases where band.contains(category) {
                legend.add(.box(fill: category.color, stroke: "#999999"), lang.text("日AQI ", "daily AQI ") + category.name(lang))
            }
        }
        let frame = ChartFrame(title: title, subtitle: subtitle, legend: legend, notes: notes, width: width, drawsTitle: standalone)
        var canvas = SVGCanvas(width: width.width, idPrefix: idPrefix)
        var y = frame.drawHeader(on: &canvas)
        let plotHeight = width.isNarrow ? 160.0 : 230.0
        for panel in panels {
            y = drawPanel(panel, on: &canvas, top: y, plotHeight: plotHeight, width: width)
        }
        canvas.height = frame.drawNotes(on: &canvas, top: y)
        return canvas.document(title: title, standalone: standalone)
    }

    /// Draws one pollutant's panel from `top`; returns the y below it.
    func drawPanel(_ panel: Panel, on canvas: inout SVGCanvas, top: Double, plotHeight: Double, width: ChartWidth) -> Double {
        let font = width.smallFontSize
        let maximum = max(Double(panel.limits.max() ?? 0), panel.values.compactMap { $0 }.max() ?? 0, 10)
        let plotTop = top + 2 * font + 4
        let plotBottom = plotTop + plotHeight
        let (scale, ticks) = LinearScale.vertical(maximum: maximum * 1.05, top: plotTop, bottom: plotBottom,
                                                  ticks: max(3, Int(plotHeight / 45)))
        let left = width.padding + AxisDrawing.valueLabelWidth(ticks, fontSize: font)
        let right = width.width - width.padding - 4
        let axis = TimeAxis(slots: slots, left: left, right: right)
        let color = ChartPalette.color(panel.pollutant)
        canvas.text(panel.pollutant.displayName + " (µg/m³)", width.padding, top + font, size: font, fill: ChartPalette.text,
                    weight: "600")
        // No-value spans first, under everything.
        var index = 0
        while index < panel.values.count {
            guard panel.values[index] == nil else { index += 1; continue }
            var end = index
            while end + 1 < panel.values.count, panel.values[end + 1] == nil { end += 1 }
            let x0 = axis.x(index) - axis.slotWidth / 2, x1 = axis.x(end) + axis.slotWidth / 2
            canvas.rect(x0, plotTop, x1 - x0, plotHeight, fill: ChartPalette.noData, [("class", "gap")])
            index = end + 1
        }
        AxisDrawing.values(on: &canvas, scale: scale, ticks: ticks, left: left, right: right, fontSize: font)
        // The limit in force, stepped where the standard changes.
        var limitPath = ""
        var run = 0
        while run < panel.limits.count {
            var end = run
            while end + 1 < panel.limits.count, panel.limits[end + 1] == panel.limits[run] { end += 1 }
            // Whole pixels: a 2 px line on a pixel boundary is drawn in its exact colour.
            let y = scale(Double(panel.limits[run])).rounded()
            let x0 = axis.x(run) - axis.slotWidth / 2, x1 = axis.x(end) + axis.slotWidth / 2
            limitPath += (limitPath.isEmpty ? "M" : "L") + "\(SVGNumber.text(x0)),\(SVGNumber.text(y))L\(SVGNumber.text(x1)),\(SVGNumber.text(y))"
            run = end + 1
        }
        canvas.path(limitPath, stroke: ChartPalette.limit, width: 2, dash: "6 4", [("class", "limit"),
                    ("data-limits", panel.limits.map(String.init).joined(separator: ","))])
        // The values: a line through consecutive valid slots, a dot for a lone one.
        var d = ""
        var dots: [(Double, Double)] = []
        for (i, value) in panel.values.enumerated() {
            guard let value else { continue }
            let point = (axis.x(i), scale(value))
            let previousValid = i > 0 && panel.values[i - 1] != nil
            let nextValid = i + 1 < panel.values.count && panel.values[i + 1] != nil
            d += (previousValid ? "L" : "M") + "\(SVGNumber.text(point.0)),\(SVGNumber.text(point.1))"
            if !previousValid && !nextValid || slots.count <= 62 { dots.append(point) }
        }
        let shown = zip(slots, panel.values).map { $0.1.map { GBT8170.format($0, decimals: 0) } ?? "" }
        canvas.open("g", [("class", "series"), ("data-pollutant", panel.pollutant.displayName),
                          ("data-resolution", resolution.rawValue),
                          ("data-times", slots.map(\.label).joined(separator: ",")),
                          ("data-values", shown.joined(separator: ","))])
        canvas.path(d, stroke: color, width: slots.count > 400 ? 1.2 : 2)
        for dot in dots {
            canvas.circle(dot.0, dot.1, slots.count <= 62 ? 2.5 : 1.8, fill: color)
        }
        canvas.close("g")
        var bottom = plotBottom
        if let band = aqiBand {
            let bandTop = plotBottom + 6
            canvas.text("AQI", left - 5, bandTop + 9, size: font - 1.5, anchor: .end, fill: ChartPalette.axis)
            canvas.open("g", [("class", "aqi-band"),
                              ("data-categories", band.map { $0.map { String($0.rawValue) } ?? "" }.joined(separator: ","))])
            var i = 0
            while i < band.count {
                var end = i
                while end + 1 < band.count, band[end + 1] == band[i] { end += 1 }
                let x0 = axis.x(i) - axis.slotWidth / 2, x1 = axis.x(end) + axis.slotWidth / 2
                canvas.rect(x0, bandTop, x1 - x0, 10, fill: band[i]?.color ?? ChartPalette.noData)
                i = end + 1
            }
            canvas.close("g")
            bottom = bandTop + 10
        }
        AxisDrawing.time(on: &canvas, axis: axis, y: bottom, fontSize: font)
        return bottom + font + 16
    }
}
