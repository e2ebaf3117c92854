/// A chart inside an HTML page, in two layouts: one made for a phone
/// (`ChartWidth.narrow`, shown below 800 px) and one for a wide screen and
/// paper (`ChartWidth.wide`); CSS alone switches between them (no script), so
/// the text of either is read near its designed size.
struct ChartFigure {
    var chart: any Chart
    /// Unique within the page: prefixes the SVG ids.
    var id: String
    var caption: String?

    var html: String {
        var out = "<figure class=\"chart\" id=\"\(HTMLText.escape(id))\">\n"
        out += chart.svg(width: .wide, idPrefix: id + "w", standalone: false)
            .replacingOccurrences(of: "class=\"haze-chart\"", with: "class=\"haze-chart wide\"")
        out += "\n"
        out += chart.svg(width: .narrow, idPrefix: id + "n", standalone: false)
            .replacingOccurrences(of: "class=\"haze-chart\"", with: "class=\"haze-chart narrow\"")
        out += "\n"
        if let caption { out += "<figcaption>\(HTMLText.escape(caption))</figcaption>\n" }
        out += "</figure>\n"
        return out
    }
}
