/// The parts every chart has around its plots: a title, a subtitle saying
/// what is shown (subject, period, standard), the legend, and notes under the
/// plots (what the data cannot show, heuristics, missing pollutants).
struct ChartFrame {
    var title: String
    var subtitle: String
    var legend: ChartLegend
    var notes: [String]
    var width: ChartWidth
    /// False inside an HTML page, whose heading names the chart already.
    var drawsTitle = true

    var contentLeft: Double { width.padding }
    var contentWidth: Double { width.width - 2 * width.padding }

    /// Draws title, subtitle and legend from the top; returns the y where plots start.
    func drawHeader(on canvas: inout SVGCanvas) -> Double {
        if !drawsTitle && subtitle.isEmpty {
            let y = width.padding / 2
            return y + legend.draw(on: &canvas, left: contentLeft, top: y, width: contentWidth, fontSize: width.smallFontSize) + 6
        }
        var y = width.padding + (drawsTitle ? width.titleFontSize : width.smallFontSize - 4)
        for line in TextMeasure.wrap(title, width: contentWidth, fontSize: width.titleFontSize) where drawsTitle {
            canvas.text(line, contentLeft, y, size: width.titleFontSize, weight: "600")
            y += width.titleFontSize + 4
        }
        y += 2
        for line in TextMeasure.wrap(subtitle, width: contentWidth, fontSize: width.smallFontSize) where !subtitle.isEmpty {
            canvas.text(line, contentLeft, y, size: width.smallFontSize, fill: ChartPalette.axis)
            y += width.smallFontSize + 4
        }
        y += 4
        y += legend.draw(on: &canvas, left: contentLeft, top: y, width: contentWidth, fontSize: width.smallFontSize)
        return y + 6
    }

    /// Draws the notes from `top`; returns the bottom of the image.
    func drawNotes(on canvas: inout SVGCanvas, top: Double) -> Double {
        var y = top + 4
        for note in notes {
            for line in TextMeasure.wrap(note, width: contentWidth, fontSize: width.smallFontSize) {
                y += width.smallFontSize + 3
                canvas.text(line, contentLeft, y, size: width.smallFontSize, fill: ChartPalette.axis)
            }
        }
        return y + width.padding
    }
}
