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
    public var source: String

    /// A membership of station `code` in `unit` of `layer` during `span`; `source` (`file:line`) is for messages.
    public init(code: String, layer: String, unit: String, span: DateSpan = .always, source: String = "") {
        self.code = code
        self.layer = layer
        self.unit = unit
        self.span = span
        self.source = source
    }

    /// The layer of today's `district` column.
    public static let districtLayer = "district"
}
