import HazeModel

/// Daily means in a calendar (openair's `calendarPlot`): a block per month,
/// weeks in rows from Monday, each day coloured by the AQI category of its
/// value under the HJ 633 table in force on that date, with the value in the
/// cell. A day without a valid mean is grey and empty, never 0.
struct CalendarChart: Sendable {
    struct Cell: Sendable {
        var day: Day
        /// The valid daily mean, nil when none.
        var value: Double?
    }

    var title: String
    var subtitle: String
    var pollutant: Pollutant
    /// Every day of the period, in order.
    var cells: [Cell]
    var notes: [String]
    var language: Language

    var lang: Language { language }

    /// The category of a day's value on its date (IAQI of the rounded mean).
    static func category(_ pollutant: Pollutant, value: Double, day: Day) -> (AQICategory, Int) {
        let iaqi = AirQualityIndex.iaqi(pollutant, dailyMean: value, on: day.date)
        return (AQICategory(aqi: iaqi), iaqi)
    }

    var months: [Month] {
        guard let first = cells.first?.day, let last = cells.last?.day else { return [] }
        return Array(first.month ... last.month)
    }

    func svg(width: ChartWidth, idPrefix: String = "cal", standalone: Bool = false) -> String {
        var legend = ChartLegend()
        if let first = cells.first?.day, let last = cells.last?.day {
            let segments = CategoryTable.segments(pollutant: pollutant, days: first ... last)
            for category in AQICategory.allCases {
                let ranges = segments.enumerated().map { i, segment in
                    (i == 0 ? "" : lang.text("\(segment.first)起", "from \(segment.first) ")) + segment.table.range(category)
                }.joined(separator: lang.text("，", ", "))
                legend.add(.box(fill: category.color, stroke: "#999999"), "\(category.name(lang)) \(ranges)")
            }
        }
        legend.add(.box(fill: ChartPalette.noData, stroke: "#cccccc"), lang.text("无有效日均值", "no valid daily mean"))
        let frame = ChartFrame(title: title, subtitle: subtitle, legend: legend, notes: notes, width: width, drawsTitle: standalone)
        var canvas = SVGCanvas(width: width.width, idPrefix: idPrefix)
        let top = frame.drawHeader(on: &canvas)
        let months = self.months
        let gap = width.isNarrow ? 12.0 : 20.0
        let content = frame.contentWidth
        let minimumCell = width.isNarrow ? 24.0 : 34.0
        let columns = max(1, min(months.count, Int((content + gap) / (7 * minimumCell + gap))))
        let cell = min((content - gap * Double(columns - 1)) / Double(columns) / 7, months.count == 1 ? 64 : 48)
        let blockWidth = cell * 7
        let headerHeight = width.fontSize + 8
        let weekdayHeight = width.smallFontSize + 6
        let byDay = Dictionary(cells.map { ($0.day, $0.value) }, uniquingKeysWith: { a, _ in a })
        let weekdays = lang == .zh ? ["一", "二", "三", "四", "五", "六", "日"] : ["M", "T", "W", "T", "F", "S", "S"]
        var y = top
        var rowStart = 0
        canvas.open("g", [("class", "calendar"), ("data-pollutant", pollutant.displayName)])
        while rowStart < months.count {
            let rowMonths = Array(months[rowStart ..< min(rowStart + columns, months.count)])
            let weeks = rowMonths.map { Self.weeks(in: $0) }.max() ?? 6
            for (c, month) in rowMonths.enumerated() {
                let x0 = frame.contentLeft + Double(c) * (blockWidth + gap)
                canvas.text(lang.month(month), x0, y + width.fontSize, size: width.fontSize, weight: "600")
                for (i, name) in weekdays.enumerated() {
                    canvas.text(name, x0 + (Double(i) + 0.5) * cell, y + headerHeight + width.smallFontSize,
                                size: width.smallFontSize, anchor: .middle, fill: ChartPalette.axis)
                }
                let gridTop = y + headerHeight + weekdayHeight
                let offset = Self.weekday(month.firstDay)
                for day in month.days {
                    let position = offset + month.firstDay.distance(to: day)
                    let cx = x0 + Double(position % 7) * cell, cy = gridTop + Double(position / 7) * cell
                    drawCell(day: day, entry: byDay[day], x: cx, y: cy, size: cell, width: width, on: &canvas)
                }
            }
            y += headerHeight + weekdayHeight + Double(weeks) * cell + gap
            rowStart += columns
        }
        canvas.close("g")
        canvas.height = frame.drawNotes(on: &canvas, top: y - gap + 4)
        return canvas.document(title: title, standalone: standalone)
    }

    /// Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday).
    static func weekday(_ day: Day) -> Int { ((day.index % 7) + 7 + 3) % 7 }

    static func weeks(in month: Month) -> Int { (weekday(month.firstDay) + month.dayCount + 6) / 7 }

    /// One day: outside the period an outline, else its colour, value and date.
    func drawCell(day: Day, entry: Double??, x: Double, y: Double, size: Double, width: ChartWidth, on canvas: inout SVGCanvas) {
        let inset = 1.0
        guard let entry else {
            canvas.rect(x + inset, y + inset, size - 2 * inset, size - 2 * inset, fill: "#ffffff", stroke: "#eeeeee")
            return
        }
        let dayNumber = day.date.day
        let showDate = size >= 36
        if let value = entry {
            let (category, iaqi) = Self.category(pollutant, value: value, day: day)
            let shown = GBT8170.format(value, decimals: 0)
            canvas.open("g", [("class", "day"), ("data-date", day.description), ("data-value", shown),
                              ("data-category", String(category.rawValue))])
            canvas.rect(x + inset, y + inset, size - 2 * inset, size - 2 * inset, fill: category.color,
                        title: "\(day) \(pollutant.displayName) \(shown) µg/m³ · \(category.name(lang)) (IAQI \(iaqi))")
            let font = min(size * 0.4, 15)
            canvas.text(shown, x + size / 2, y + size / 2 + font * (showDate ? 0.62 : 0.36), size: font, anchor: .middle,
                        fill: category.textColor, weight: "600")
            if showDate {
                canvas.text(String(dayNumber), x + 4, y + 4 + width.smallFontSize * 0.8, size: width.smallFontSize * 0.8,
                            fill: category.textColor)
            }
            canvas.close("g")
        } else {
            canvas.open("g", [("class", "day"), ("data-date", day.description), ("data-value", ""), ("data-category", "")])
            canvas.rect(x + inset, y + inset, size - 2 * inset, size - 2 * inset, fill: ChartPalette.noData, stroke: "#dddddd",
                        title: "\(day) \(pollutant.displayName): " + lang.text("无有效日均值", "no valid daily mean"))
            if showDate {
                canvas.text(String(dayNumber), x + 4, y + 4 + width.smallFontSize * 0.8, size: width.smallFontSize * 0.8,
                            fill: ChartPalette.noDataText)
            }
            canvas.close("g")
        }
    }
}

extension CalendarChart: Chart {}
