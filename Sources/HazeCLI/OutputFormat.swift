import HazeModel

/// How a command prints its result.
package enum OutputFormat: String, Sendable, CaseIterable {
    case table, csv, json, ndjson, md, html, xlsx, svg

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
}
