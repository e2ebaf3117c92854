import Foundation
import HazeModel

/// A self-contained HTML page around one or more charts (`haze plot
/// --format html`, `haze query --format html`): inline CSS and SVG, no
/// script, nothing fetched.
public struct ChartPage: Sendable {
    /// The page's title.
    public var title: String
    /// The charts, top to bottom.
    public var charts: [any Chart]
    /// The language of the page.
    public var language: Language
    /// Extra HTML (already escaped) after the charts, e.g. a data table.
    var appendix: String = ""

    /// A page of `charts` under `title`.
    public init(title: String, charts: [any Chart], language: Language) {
        self.title = title
        self.charts = charts
        self.language = language
    }

    /// The page as one self-contained HTML document (inline CSS and SVG, nothing fetched).
    public var document: String {
        var out = HTMLDocument.head(title: title, language: language)
        out += "<h1>\(HTMLText.escape(title))</h1>\n"
        for (i, chart) in charts.enumerated() {
            out += ChartFigure(chart: chart, id: "c\(i + 1)", heading: chart.title == title ? nil : chart.title).html
        }
        out += appendix
        out += "<footer>haze \(HazeVersion.current)</footer>\n</body>\n</html>\n"
        return out
    }
}

/// The start of every haze HTML page.
enum HTMLDocument {
    static func head(title: String, language: Language) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(language == .zh ? "zh-CN" : "en")">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTMLText.escape(title))</title>
        <style>\(ReportStyle.css)</style>
        </head>
        <body>

        """
    }
}
