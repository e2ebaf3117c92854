/// A chart inside an HTML page, in two layouts: one made for a phone
/// (`ChartWidth.narrow`, shown below 800 px) and one for a wide screen and
/// paper (`ChartWidth.wide`); CSS alone switches between them (no script), so
/// the text of either is read near its designed size.
struct ChartFigure {
    var chart: any Chart
    /// Unique within the page: prefixes the SVG ids.
    var id: String
    var caption: String?
    /// The heading above the chart (its title), nil where the page's heading says it.
    var heading: String?
    var headingLevel = 3

    init(chart: any Chart, id: String, caption: String? = nil, heading: String?, headingLevel: Int = 3) {
        self.chart = chart
        self.id = id
        self.caption = caption
        self.heading = heading
        self.headingLevel = headingLevel
    }

    var html: String {
        var out = "<figure class=\"chart\" id=\"\(HTMLText.escape(id))\">\n"
        if let heading { out += "<h\(headingLevel)>\(HTMLText.escape(heading))</h\(headingLevel)>\n" }
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
