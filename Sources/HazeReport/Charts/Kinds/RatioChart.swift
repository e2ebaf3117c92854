import HazeModel
import HazeAssessment

/// PM2.5/PM10 over time. Fugitive dust (construction, roads, bare soil, sand)
/// is coarse and lowers the ratio; combustion and secondary aerosol raise it.
/// The bands mark the heuristic ranges of the project's domain notes (≤ 0.4
/// dust-like, ≥ 0.7 fine-particle dominated); a ratio above 1 (PM2.5 above
/// PM10 in the same hour or day) is an instrument artefact and is marked.
struct RatioChart: Sendable {
    var title: String
    var subtitle: String
    var slots: [TimeSlot]
    var resolution: Resolution
    /// PM2.5 / PM10 per slot, nil unless both are valid and PM10 > 0.
    var ratios: [Double?]
    var notes: [String]
    var language: Language

    var lang: Language { language }

    static let dustCeiling = 0.4
    static let fineFloor = 0.7

    /// The ratio of two valid values (nil unless both valid and PM10 > 0).
    static func ratio(pm25: Double?, pm10: Double?) -> Double? {
        guard let pm25, let pm10, pm10 > 0 else { return nil }
        return pm25 / pm10
    }

    func svg(width: ChartWidth, idPrefix: String = "ratio", standalone: Bool = false) -> String {
        var legend = ChartLegend()
        legend.add(.line(color: "#2c7fb8", width: 2, dash: nil),
                   "PM2.5/PM10" + lang.text(resolution == .hour ? "（小时）" : "（日均值）", resolution == .hour ? " (hourly)" : " (daily means)"))
        legend.add(.box(fill: ChartPalette.dustBand, stroke: nil), lang.text("≤0.4 扬尘特征（经验判据）", "≤ 0.4 dust-like (heuristic)"))
        legend.add(.box(fill: ChartPalette.fineBand, stroke: nil), lang.text("≥0.7 细颗粒物为主（燃烧、二次生成）", "≥ 0.7 fine-particle dominated (combustion, secondary)"))
        if ratios.contains(where: { ($0 ?? 0) > 1 }) {
            legend.add(.marker(fill: ChartPalette.limit, stroke: "#ffffff"), lang.text(">1 仪器异常（PM2.5>PM10）", "> 1 instrument artefact (PM2.5 > PM10)"))
        }
        if ratios.contains(nil) { legend.add(.box(fill: ChartPalette.noData, stroke: nil), lang.text("无有效值", "no valid value")) }
        let frame = ChartFrame(title: title, subtitle: subtitle, legend: legend, notes: notes, width: width, drawsTitle: standalone)
        var canvas = SVGCanvas(width: width.width, idPrefix: idPrefix)
        let top = frame.drawHeader(on: &canvas)
        let font = width.smallFontSize
        let plotHeight = width.isNarrow ? 160.0 : 220.0
        let plotTop = top + font
        let plotBottom = plotTop + plotHeight
        let highest = min(max(ratios.compactMap { $0 }.max() ?? 1, 1.0), 2.0)
        let (scale, ticks) = LinearScale.vertical(maximum: highest, top: plotTop, bottom: plotBottom, ticks: 5)
        let left = width.padding + AxisDrawing.valueLabelWidth(ticks, fontSize: font)
        let right = width.width - width.padding - 4
        let axis = TimeAxis(slots: slots, left: left, right: right)
        canvas.rect(left, scale(Self.dustCeiling), right - left, plotBottom - scale(Self.dustCeiling), fill: ChartPalette.dustBand, [("class", "dust")])
        canvas.rect(left, scale(1), right - left, scale(Self.fineFloor) - scale(1), fill: ChartPalette.fineBand, [("class", "fine")])
        var index = 0
        while index < ratios.count {
            guard ratios[index] == nil else { index += 1; continue }
            var end = index
            while end + 1 < ratios.count, ratios[end + 1] == nil { end += 1 }
            let x0 = axis.x(index) - axis.slotWidth / 2, x1 = axis.x(end) + axis.slotWidth / 2
            canvas.rect(x0, plotTop, x1 - x0, plotHeight, fill: ChartPalette.noData, [("class", "gap")])
            index = end + 1
        }
        AxisDrawing.values(on: &canvas, scale: scale, ticks: ticks, left: left, right: right, fontSize: font)
        var d = ""
        var artefacts: [(Double, Double, Int)] = []
        for (i, ratio) in ratios.enumerated() {
            guard let ratio else { continue }
            let shown = min(ratio, highest)
            let previous = i > 0 && ratios[i - 1] != nil
            d += (previous ? "L" : "M") + "\(SVGNumber.text(axis.x(i))),\(SVGNumber.text(scale(shown)))"
            if ratio > 1 { artefacts.append((axis.x(i), scale(shown), i)) }
        }
        canvas.open("g", [("class", "series"), ("data-resolution", resolution.rawValue),
                          ("data-times", slots.map(\.label).joined(separator: ",")),
                          ("data-ratios", ratios.map { $0.map { GBT8170.format($0, decimals: 2) } ?? "" }.joined(separator: ","))])
        canvas.path(d, stroke: "#2c7fb8", width: slots.count > 400 ? 1.2 : 2)
        for (i, ratio) in ratios.enumerated() where ratio != nil {
            let prevNil = i == 0 || ratios[i - 1] == nil, nextNil = i + 1 >= ratios.count || ratios[i + 1] == nil
            if prevNil && nextNil || slots.count <= 62 {
                canvas.circle(axis.x(i), scale(min(ratio ?? 0, highest)), 2.2, fill: "#2c7fb8")
            }
        }
        for (x, y, i) in artefacts {
            canvas.circle(x, y, 4, fill: ChartPalette.limit, stroke: "#ffffff",
                          title: "\(slots[i].label) PM2.5/PM10 = \(GBT8170.format(ratios[i] ?? 0, decimals: 2))")
        }
        canvas.close("g")
        AxisDrawing.time(on: &canvas, axis: axis, y: plotBottom, fontSize: font)
        canvas.height = frame.drawNotes(on: &canvas, top: plotBottom + font + 12)
        return canvas.document(title: title, standalone: standalone)
    }
}

extension RatioChart: Chart {}
