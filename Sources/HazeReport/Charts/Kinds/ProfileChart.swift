import HazeModel

/// A diurnal or weekday profile (openair's `timeVariation` panels): per hour
/// of day or day of week, the mean of every valid hourly value of the period
/// as a line and the band between the 25th and 75th percentiles. Night-time
/// rises in the heating season point at scattered coal, rush-hour peaks at
/// traffic.
struct ProfileChart: Sendable {
    struct Series: Sendable {
        var pollutant: Pollutant
        var statistics: ProfileStatistics
    }

    var title: String
    var subtitle: String
    var grouping: ProfileStatistics.Grouping
    var series: [Series]
    var notes: [String]
    var language: Language

    var lang: Language { language }

    var categoryLabels: [String] {
        switch grouping {
        case .hourOfDay: return (0 ..< 24).map { String($0) }
        case .weekday: return lang == .zh ? ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
                                          : ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        }
    }

    func svg(width: ChartWidth, idPrefix: String = "pf", standalone: Bool = false) -> String {
        var legend = ChartLegend()
        for s in series {
            legend.add(.line(color: ChartPalette.color(s.pollutant), width: 2, dash: nil), s.pollutant.displayName + lang.text(" 均值", " mean"))
            legend.add(.box(fill: ChartPalette.tint(s.pollutant), stroke: nil),
                       s.pollutant.displayName + lang.text(" 25%–75%分位", " 25th–75th percentile"))
        }
        let frame = ChartFrame(title: title, subtitle: subtitle, legend: legend, notes: notes, width: width, drawsTitle: standalone)
        var canvas = SVGCanvas(width: width.width, idPrefix: idPrefix)
        let top = frame.drawHeader(on: &canvas)
        let font = width.smallFontSize
        let plotHeight = width.isNarrow ? 180.0 : 250.0
        let plotTop = top + 2 * font + 4
        let plotBottom = plotTop + plotHeight
        let highest = series.flatMap { $0.statistics.groups.compactMap { $0.upperQuartile ?? $0.mean } }.max() ?? 10
        let (scale, ticks) = LinearScale.vertical(maximum: max(highest * 1.05, 10), top: plotTop, bottom: plotBottom,
                                                  ticks: max(3, Int(plotHeight / 45)))
        let left = width.padding + AxisDrawing.valueLabelWidth(ticks, fontSize: font)
        let right = width.width - width.padding - 4
        let labels = categoryLabels
        let step = (right - left) / Double(labels.count)
        func x(_ i: Int) -> Double { left + (Double(i) + 0.5) * step }
        canvas.text("µg/m³", width.padding, top + font, size: font, fill: ChartPalette.axis)
        AxisDrawing.values(on: &canvas, scale: scale, ticks: ticks, left: left, right: right, fontSize: font)
        // Bands first (each pollutant's own tint), then the mean lines over them.
        for s in series {
            let groups = s.statistics.groups
            var upper = "", lower = ""
            var runStart: Int?
            func flush(_ end: Int) {
                guard let start = runStart else { return }
                upper = ""
                lower = ""
                for i in start ... end {
                    upper += (i == start ? "M" : "L") + "\(SVGNumber.text(x(i))),\(SVGNumber.text(scale(groups[i].upperQuartile ?? 0)))"
                }
                for i in (start ... end).reversed() {
                    lower += "L\(SVGNumber.text(x(i))),\(SVGNumber.text(scale(groups[i].lowerQuartile ?? 0)))"
                }
                canvas.path(upper + lower + "Z", stroke: nil, fill: ChartPalette.tint(s.pollutant), [("fill-opacity", "0.8"), ("class", "band")])
                runStart = nil
            }
            for (i, group) in groups.enumerated() {
                if group.lowerQuartile != nil { if runStart == nil { runStart = i } } else { flush(i - 1) }
            }
            flush(groups.count - 1)
        }
        for s in series {
            let groups = s.statistics.groups
            let color = ChartPalette.color(s.pollutant)
            func list(_ f: (ProfileStatistics.Group) -> Double?) -> String {
                groups.map { f($0).map { GBT8170.format($0, decimals: 1) } ?? "" }.joined(separator: ",")
            }
            canvas.open("g", [("class", "profile"), ("data-pollutant", s.pollutant.displayName),
                              ("data-mean", list(\.mean)), ("data-p25", list(\.lowerQuartile)), ("data-p75", list(\.upperQuartile)),
                              ("data-n", groups.map { String($0.count) }.joined(separator: ","))])
            var d = ""
            for (i, group) in groups.enumerated() {
                guard let mean = group.mean else { continue }
                let previous = i > 0 && groups[i - 1].mean != nil
                d += (previous ? "L" : "M") + "\(SVGNumber.text(x(i))),\(SVGNumber.text(scale(mean)))"
            }
            canvas.path(d, stroke: color, width: 2)
            for (i, group) in groups.enumerated() {
                guard let mean = group.mean else { continue }
                canvas.circle(x(i), scale(mean), 2.6, fill: color,
                              title: "\(labels[i]) \(s.pollutant.displayName) \(GBT8170.format(mean, decimals: 0)) µg/m³ (n=\(group.count))")
            }
            canvas.close("g")
        }
        // Category labels, thinned to fit.
        let widest = labels.map { TextMeasure.width($0, fontSize: font) }.max() ?? 10
        let every = max(1, Int(((widest + 6) / step).rounded(.up)))
        let every3 = grouping == .hourOfDay && every > 1 ? [2, 3, 4, 6, 12].first { $0 >= every } ?? 12 : every
        for (i, label) in labels.enumerated() where i % every3 == 0 {
            canvas.line(x(i), plotBottom, x(i), plotBottom + 4, stroke: ChartPalette.axis)
            canvas.text(label, x(i), plotBottom + 5 + font, size: font, anchor: .middle, fill: ChartPalette.axis)
        }
        var bottom = plotBottom + font + 10
        if grouping == .hourOfDay {
            bottom += font + 2
            canvas.text(lang.text("时（\(zoneLabel)）", "hour of day (\(zoneLabel))"), (left + right) / 2, bottom, size: font,
                        anchor: .middle, fill: ChartPalette.axis)
        }
        canvas.height = frame.drawNotes(on: &canvas, top: bottom + 4)
        return canvas.document(title: title, standalone: standalone)
    }

    var zoneLabel = "UTC+08:00"
}

extension ProfileChart: Chart {}
