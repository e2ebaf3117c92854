/// A configuration file (alert rules, pull sources, routes, schemes) that
/// cannot be used as written: the message names the file, the item and the field.
public enum ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case malformed(file: String, reason: String)
    case invalid(file: String, item: String?, field: String, reason: String)
    case duplicate(what: String, id: String, files: [String])
    case noFiles(directory: String, pattern: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "\(file): cannot read: \(reason)"
        case .malformed(let file, let reason):
            return "\(file): not valid JSON: \(reason)"
        case .invalid(let file, let item, let field, let reason):
            return "\(file): " + (item.map { "\($0): " } ?? "") + "field '\(field)': \(reason)"
        case .duplicate(let what, let id, let files):
            return "\(what) '\(id)' is defined twice (\(files.joined(separator: ", "))); it must be unique across files"
        case .noFiles(let dir, let pattern):
            return "no \(pattern) files in '\(dir)'"
        }
    }
}
