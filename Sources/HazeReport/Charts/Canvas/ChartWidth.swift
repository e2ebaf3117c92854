/// The width a chart is laid out for, in CSS pixels. Text sizes, margins,
/// tick density and the arrangement of panels follow from it, so a chart
/// laid out for 400 px is read on a phone at its natural size and one laid
/// out for 1000 px on a desktop, each with legible labels.
public struct ChartWidth: Sendable, Hashable {
    /// The width in pixels, within `range`.
    public let pixels: Int

    /// The widths a chart can be laid out for.
    public static let range: ClosedRange<Int> = 320 ... 2400

    /// A width of `pixels`, clamped to `range` (320…2400).
    public init(_ pixels: Int) { self.pixels = min(max(pixels, Self.range.lowerBound), Self.range.upperBound) }

    /// A phone held upright.
    static let narrow = ChartWidth(400)
    /// A desktop or a printed A4 page.
    public static let wide = ChartWidth(1000)

    /// Below this a chart uses its compact arrangement (fewer ticks, stacked panels).
    var isNarrow: Bool { pixels < 600 }

    var width: Double { Double(pixels) }
    /// Body text: axis labels, legend.
    /// Wide layouts are shown scaled down to about 0.8 on a small desktop
    /// window (see `ChartFigure`), so their text is drawn a little larger.
    var fontSize: Double { isNarrow ? 12 : 14 }
    var smallFontSize: Double { isNarrow ? 11 : 12.5 }
    var titleFontSize: Double { isNarrow ? 15 : 18 }
    /// Outer padding left and right.
    var padding: Double { isNarrow ? 8 : 16 }
}
