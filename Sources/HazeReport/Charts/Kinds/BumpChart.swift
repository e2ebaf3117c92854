import HazeModel

/// Every unit's monthly rank over a run of months (a bump chart): rank 1 at
/// the top, one line per unit through its valid monthly ranks. A month in
/// which a unit's mean was invalid (too few valid days — the assessment puts
/// it jointly last) is a hollow marker in a lane below the ranks, and the
/// line breaks there.
struct BumpChart: Sendable {
    struct Line: Sendable {
        var unit: String
        /// Per month: the rank, nil when the unit had no data at all.
        var ranks: [Int?]
        /// Per month: whether the unit's monthly mean was valid.
        var valid: [Bool]
    }

    var title: String
    var subtitle: String
    var months: [Month]
    var lines: [Line]
    /// The unit drawn in colour over grey others; nil colours every unit.
    var highlight: String?
    var notes: [String]
    var language: Language

    var lang: Language { language }

    var monthLabels: [String] {
        let oneYear = Set(months.map(\.year)).count == 1
        return months.map { m in
            oneYear ? lang.text("\(m.month)月", ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][m.month - 1])
                    : m.description
        }
    }

    func color(_ index: Int) -> String {
        if let highlight { return lines[index].unit == highlight ? ChartPalette.limit : ChartPalette.muted }
        return ChartPalette.categorical[index % ChartPalette.categorical.count]
    }

    func svg(width: ChartWidth, idPrefix: String = "bump", standalone: Bool = false) -> String {
        var legend = ChartLegend()
        legend.add(.marker(fill: highlight == nil ? ChartPalette.categorical[0] : ChartPalette.limit, stroke: "#ffffff"),
                   highlight.map { lang.text("\($0) 月度排名（有效月份）", "\($0): monthly rank (valid month)") }
                       ?? lang.text("月度排名（有效月份，每个单位一种颜色）", "monthly rank (valid month; a colour per unit)"))
        if let highlight {
            legend.add(.marker(fill: ChartPalette.muted, stroke: "#ffffff"), lang.text("其他单位（\(highlight)以外）", "other units (not \(highlight))"))
        }
        legend.add(.marker(fill: "#ffffff", stroke: ChartPalette.axis),
                   lang.text("该月有效天数不足（评价中并列末位）", "too few valid days that month (jointly last in the assessment)"))
        let frame = ChartFrame(title: title, subtitle: subtitle, legend: legend, notes: notes, width: width, drawsTitle: standalone)
        var canvas = SVGCanvas(width: width.width, idPrefix: idPrefix)
        let top = frame.drawHeader(on: &canvas)
        let font = width.smallFontSize
        let unitCount = max(1, lines.map { $0.ranks.compactMap { $0 }.max() ?? 0 }.max() ?? 1, lines.count)
        let row = width.isNarrow ? 20.0 : 26.0
        let labelFont = width.isNarrow ? font : width.fontSize
        let labelWidth = min(lines.map { TextMeasure.width($0.unit, fontSize: labelFont) }.max() ?? 40,
                             width.isNarrow ? 110 : 220)
        let left = width.padding + max(TextMeasure.width(String(unitCount), fontSize: font),
                                       TextMeasure.width(lang.text("无效", "invalid"), fontSize: font)) + 14
        let right = width.width - width.padding - labelWidth - 14
        let headerY = top + font + 2
        let plotTop = headerY + 14
        let step = months.count > 1 ? (right - left) / Double(months.count - 1) : 0
        func x(_ m: Int) -> Double { months.count > 1 ? left + Double(m) * step : (left + right) / 2 }
        func y(_ rank: Int) -> Double { plotTop + Double(rank - 1) * row }
        let invalidLane = y(unitCount) + row
        // Month labels, thinned to fit.
        let labels = monthLabels
        let widest = labels.map { TextMeasure.width($0, fontSize: font) }.max() ?? 10
        let every = step > 0 ? max(1, Int(((widest + 6) / step).rounded(.up))) : 1
        for (m, label) in labels.enumerated() {
            canvas.line(x(m), plotTop - 6, x(m), invalidLane + 6, stroke: ChartPalette.grid)
            if m % every == 0 { canvas.text(label, x(m), headerY, size: font, anchor: .middle, fill: ChartPalette.axis) }
        }
        for rank in 1 ... unitCount {
            canvas.text(String(rank), left - 12, y(rank) + font * 0.35, size: font, anchor: .end, fill: ChartPalette.axis)
        }
        canvas.text(lang.text("无效", "invalid"), left - 12, invalidLane + font * 0.35, size: font, anchor: .end, fill: ChartPalette.axis)
        canvas.line(left - 8, invalidLane - row / 2, right + 8, invalidLane - row / 2, stroke: ChartPalette.grid, dash: "3 3")
        let radius = width.isNarrow ? 4.5 : 9.0
        // Grey lines first so the highlighted one is on top.
        let order = lines.indices.sorted { (lines[$0].unit == highlight ? 1 : 0) < (lines[$1].unit == highlight ? 1 : 0) }
        var labelTargets: [(unit: String, y: Double, color: String, x: Double)] = []
        canvas.open("g", [("class", "bump")])
        for index in order {
            let line = lines[index]
            let color = color(index)
            let strong = highlight == nil || line.unit == highlight
            canvas.open("g", [("class", "unit"), ("data-unit", line.unit),
                              ("data-ranks", line.ranks.map { $0.map(String.init) ?? "" }.joined(separator: ",")),
                              ("data-valid", line.valid.map { $0 ? "1" : "0" }.joined(separator: ","))])
            var d = ""
            for m in months.indices {
                guard let rank = line.ranks[m], line.valid[m] else { continue }
                let previous = m > 0 && line.ranks[m - 1] != nil && line.valid[m - 1]
                d += (previous ? "L" : "M") + "\(SVGNumber.text(x(m))),\(SVGNumber.text(y(rank)))"
            }
            canvas.path(d, stroke: color, width: strong ? (width.isNarrow ? 2.5 : 3.5) : 1.5)
            for m in months.indices {
                guard let rank = line.ranks[m] else { continue }
                let tip = "\(line.unit) \(months[m]) " + (line.valid[m] ? lang.text("第\(rank)名", "rank \(rank)")
                                                                        : lang.text("无效", "invalid"))
                if line.valid[m] {
                    canvas.circle(x(m), y(rank), radius, fill: color, stroke: "#ffffff", title: tip)
                    if !width.isNarrow && strong {
                        canvas.text(String(rank), x(m), y(rank) + 4, size: 11, anchor: .middle, fill: "#ffffff", weight: "600")
                    }
                } else {
                    canvas.circle(x(m), invalidLane, radius * 0.8, fill: "#ffffff", stroke: strong ? color : ChartPalette.axis,
                                  strokeWidth: 1.5, title: tip)
                }
            }
            canvas.close("g")
            if let last = months.indices.last(where: { line.ranks[$0] != nil && line.valid[$0] }), let rank = line.ranks[last] {
                labelTargets.append((line.unit, y(rank), strong ? color : ChartPalette.axis, x(last)))
            }
        }
        canvas.close("g")
        // Unit names at the right, pushed apart where ranks tie, with a leader to the line's end.
        labelTargets.sort { ($0.y, $0.unit) < ($1.y, $1.unit) }
        var placed: [Double] = []
        let spacing = labelFont + 3
        for target in labelTargets {
            let wanted = max(target.y, (placed.last ?? -.infinity) + spacing)
            placed.append(wanted)
        }
        for (target, ly) in zip(labelTargets, placed) {
            let lx = right + 14
            if abs(ly - target.y) > 0.5 || target.x < right - 1 {
                canvas.line(target.x + radius, target.y, lx - 3, ly, stroke: ChartPalette.grid)
            }
            let shown = TextMeasure.width(target.unit, fontSize: labelFont) > labelWidth ? String(target.unit.prefix(8)) + "…" : target.unit
            canvas.text(shown, lx, ly + labelFont * 0.35, size: labelFont, fill: target.color == ChartPalette.muted ? ChartPalette.axis : target.color,
                        weight: target.unit == highlight ? "600" : nil)
        }
        let bottom = max(invalidLane + row / 2, (placed.last ?? 0) + spacing / 2)
        canvas.height = frame.drawNotes(on: &canvas, top: bottom + 4)
        return canvas.document(title: title, standalone: standalone)
    }
}

extension BumpChart: Chart {}
