/// A chart that can be drawn at any width (`ChartWidth`) as one SVG image.
public protocol Chart: Sendable {
    /// What the chart shows, one line (also the SVG's accessible name).
    var title: String { get }
    /// The SVG laid out for `width`. `idPrefix` keeps ids unique when several
    /// images share a page; `standalone` writes the namespace a `.svg` file
    /// needs and draws the title (inside a page, the page's heading names it).
    func svg(width: ChartWidth, idPrefix: String, standalone: Bool) -> String
}

extension TimeSeriesChart: Chart {}
