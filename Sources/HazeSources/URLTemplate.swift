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

    /// Replaces `${NAME}` with the environment's value.
    static func environment(_ text: String, _ environment: [String: String]) -> (value: String, missing: String?) {
        var out = ""
        var rest = Substring(text)
        while let start = rest.firstRange(of: "${") {
            out += rest[rest.startIndex..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { break }
            let name = String(rest[start.upperBound..<end])
            guard let value = environment[name] else { return (out, name) }
            out += value
            rest = rest[rest.index(after: end)...]
        }
        return (out + rest, nil)
    }
}
