import HazeModel
import HazeRegistry

/// What a ranking does not rank, said aloud: units of the layer without a
/// station in the period, stations of the city without a unit on the layer,
/// stations given a unit but not in the national list in force (not
/// counted), control points (never counted) and micro-sensors (never counted).
public struct UnitCoverage: Sendable {
    /// A station and the days something applies to it.
    public struct StationDays: Sendable {
        /// The station.
        public var station: Station
        /// The unit it would belong to, for stations not in the list in force.
        public var unit: String?
        /// The days it applies to, as half-open ranges.
        public var days: [Range<Day>]

        package var dayCount: Int { days.reduce(0) { $0 + $1.count } }

        /// `2019-01-01…2019-01-31` (ranges joined by `, `).
        package var daysText: String {
            days.map { range in
                let last = range.upperBound.advanced(by: -1)
                return range.count == 1 ? range.lowerBound.description : "\(range.lowerBound)…\(last)"
            }.joined(separator: ", ")
        }
    }

    /// The layer checked.
    public var level: RankingLevel
    /// Units known on the layer (from any date's memberships) with no counted station in the period.
    package var unitsWithoutStation: [(city: String, unit: String)]
    /// Stations counted in the city on days they had no unit on the layer.
    public var stationsWithoutUnit: [StationDays]
    /// Stations with a unit on the layer on days the national list in force does not have them: not counted.
    package var notInListInForce: [StationDays]
    /// Control points of the scope in the period: never counted, never ranked.
    package var controlPoints: [Station]
    /// Micro-sensors of the scope in the period (registry column `sensor`): stored, never counted, never ranked.
    package var sensors: Int

    package init(level: RankingLevel, unitsWithoutStation: [(city: String, unit: String)] = [],
                stationsWithoutUnit: [StationDays] = [], notInListInForce: [StationDays] = [], controlPoints: [Station] = [],
                sensors: Int = 0) {
        self.level = level
        self.unitsWithoutStation = unitsWithoutStation
        self.stationsWithoutUnit = stationsWithoutUnit
        self.notInListInForce = notInListInForce
        self.controlPoints = controlPoints
        self.sensors = sensors
    }

    /// Why a scope formed no unit, when its stations are all kept out of units
    /// (micro-sensors, control points): for the error that nothing is ranked,
    /// which otherwise reads as missing data. Nil when there is no such reason.
    package var whyNoUnits: String? {
        guard sensors > 0 || !controlPoints.isEmpty else { return nil }
        var kinds: [String] = []
        if sensors > 0 { kinds.append("\(sensors) micro-sensor(s)") }
        if !controlPoints.isEmpty { kinds.append("\(controlPoints.count) control point(s)") }
        return "the stations in scope are \(kinds.joined(separator: " and ")), which are never counted in a unit or ranked"
    }

    /// Lines for a report or stderr, in the report's language (empty when there is nothing to say).
    public func lines(chinese: Bool) -> [String] {
        var lines: [String] = []
        let layer: String
        switch (chinese, level) {
        case (true, .district): layer = "区"
        case (true, .zone): layer = "功能区"
        case (true, .town): layer = "乡镇（街道）"
        default: layer = level.rawValue
        }
        if !unitsWithoutStation.isEmpty {
            let names = unitsWithoutStation.map(\.unit).joined(separator: chinese ? "、" : ", ")
            lines.append(chinese ? "无站点的\(layer)（不排名）：\(names)"
                                 : "units of layer \(layer) without a station in the period (not ranked): \(names)")
        }
        for entry in stationsWithoutUnit {
            let label = "\(entry.station.code) \(entry.station.name)"
            lines.append(chinese ? "站点 \(label) 在 \(entry.daysText)（\(entry.dayCount) 天）不属于任何\(layer)，未计入"
                                 : "station \(label) has no \(layer) unit on \(entry.daysText) (\(entry.dayCount) days): counted in no unit")
        }
        for entry in notInListInForce {
            let label = "\(entry.station.code) \(entry.station.name)"
            let unit = entry.unit ?? ""
            lines.append(chinese ? "站点 \(label)（\(unit)）在 \(entry.daysText) 不在当时有效的国控点位名单中，未计入"
                                 : "station \(label) (\(unit)) is not in the national list in force on \(entry.daysText): not counted")
        }
        if level != .station && !controlPoints.isEmpty && controlPoints.count <= 20 {
            let names = controlPoints.map { "\($0.code) \($0.name)" }.joined(separator: chinese ? "、" : ", ")
            lines.append(chinese ? "对照点（不计入任何单元）：\(names)" : "control points (counted in no unit): \(names)")
        } else if level != .station && !controlPoints.isEmpty {
            lines.append(chinese ? "对照点 \(controlPoints.count) 个，不计入任何单元" : "\(controlPoints.count) control points, counted in no unit")
        }
        if sensors > 0 {
            lines.append(chinese ? "微型站 \(sensors) 个（数据已存储），不参与排名，不计入任何单元"
                                 : "\(sensors) micro-sensors (values stored): not ranked, counted in no unit")
        }
        return lines
    }
}
