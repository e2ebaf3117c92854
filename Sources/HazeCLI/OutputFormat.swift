import HazeModel

/// How a command prints its result.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, csv, json, ndjson, md, html

    static func list(_ formats: [OutputFormat]) -> String { formats.map(\.rawValue).joined(separator: "|") }
}

extension ParsedArguments {
    /// `--format`, restricted to what the command offers.
    func format(allowed: [OutputFormat], default fallback: OutputFormat = .table) throws(UsageError) -> OutputFormat {
        guard let text = value("--format") else { return fallback }
        guard let format = OutputFormat(rawValue: text.lowercased()), allowed.contains(format) else {
            throw .invalidValue(option: "--format", value: text, expected: OutputFormat.list(allowed))
        }
        return format
    }

    /// A date option (`YYYY-MM-DD` or `YYYYMMDD`).
    func date(_ name: String) throws(UsageError) -> CivilDate? {
        guard let text = value(name) else { return nil }
        guard let date = CivilDate(parsing: text) else {
            throw .invalidValue(option: name, value: text, expected: "a date like 2019-01-31")
        }
        return date
    }

    /// A whole-number option within a range.
    func integer(_ name: String, in range: ClosedRange<Int>) throws(UsageError) -> Int? {
        guard let text = value(name) else { return nil }
        guard let n = Int(text), range.contains(n) else {
            throw .invalidValue(option: name, value: text, expected: "a whole number in \(range.lowerBound)…\(range.upperBound)")
        }
        return n
    }

    /// `--pollutant pm2.5,pm10` (default both).
    func pollutants(_ name: String = "--pollutant") throws(UsageError) -> [Pollutant] {
        guard let text = value(name) else { return Pollutant.allCases }
        var result: [Pollutant] = []
        for part in text.split(separator: ",") {
            guard let p = Pollutant(name: part) else {
                throw .invalidValue(option: name, value: String(part), expected: "pm2.5 or pm10")
            }
            if !result.contains(p) { result.append(p) }
        }
        return result
    }
}
