import HazeModel

/// A station's place in one unit of one layer (`district` 区县, `zone`
/// 功能区, `town` 乡镇/街道, or any layer a bureau names) for a span of days.
///
/// Written as `code,layer,unit,from,to` in a membership file beside the
/// station tables; a station table's `district` column is the same thing for
/// layer `district`, with no dates.
public struct UnitMembership: Hashable, Sendable {
    /// The station code.
    public var code: String
    /// The layer of units (`district`, or any layer a membership file names).
    public var layer: String
    /// The unit of that layer the station belongs to.
    public var unit: String
    /// The days the membership is in effect.
    public var span: DateSpan
    /// `file:line` of the row, for messages.
    public var source: String {
        get { line == 0 ? file : "\(file):\(line)" }
        set { file = newValue; line = 0 }
    }
    /// Where the row is: the file (shared by all its rows) and the line, 0 when
    /// `source` was given whole. Made into text only for a message: a province's
    /// registry holds tens of thousands of rows.
    private(set) var file: String
    private(set) var line: Int

    /// A membership of station `code` in `unit` of `layer` during `span`; `source` (`file:line`) is for messages.
    public init(code: String, layer: String, unit: String, span: DateSpan = .always, source: String = "") {
        self.init(code: code, layer: layer, unit: unit, span: span, file: source, line: 0)
    }

    /// A membership read from line `line` of `file`.
    init(code: String, layer: String, unit: String, span: DateSpan = .always, file: String, line: Int) {
        self.code = code
        self.layer = layer
        self.unit = unit
        self.span = span
        self.file = file
        self.line = line
    }

    public static func == (a: UnitMembership, b: UnitMembership) -> Bool {
        a.code == b.code && a.layer == b.layer && a.unit == b.unit && a.span == b.span && a.source == b.source
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(layer)
        hasher.combine(unit)
        hasher.combine(span)
        hasher.combine(source)
    }

    /// The layer of today's `district` column.
    public static let districtLayer = "district"
}
