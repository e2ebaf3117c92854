import HazeModel

/// Fills `{placeholder}`s of a source URL.
enum URLTemplate {
    static func expand(_ template: String, _ values: [String: String]) -> String {
        Template.render(template, values)
    }

    /// The values for a local day: {yyyyMMdd} {yyyy} {MM} {dd} {date}.
    static func dayValues(_ date: CivilDate) -> [String: String] {
        let y = CivilDate.pad(date.year, 4), m = CivilDate.pad(date.month, 2), d = CivilDate.pad(date.day, 2)
        return ["yyyyMMdd": y + m + d, "yyyy": y, "MM": m, "dd": d, "date": "\(y)-\(m)-\(d)"]
    }

    /// `2023-10-16T12:00:00Z`
    static func utc(_ hour: Hour) -> String {
        let text = hour.description  // 2023-10-16T12:00Z
        return String(text.dropLast()) + ":00Z"
    }
}
