import HazeModel

/// Why a station registry could not be loaded.
public enum RegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    case directoryNotFound(String)
    case noRegistryFiles(String)
    case unreadable(file: String, reason: String)
    case notUTF8(file: String, line: Int, looksLikeGBK: Bool)
    case missingColumn(file: String, column: String)
    case badRow(file: String, line: Int, field: String, reason: String)
    case conflictingEntries(code: String, field: String, first: String, second: String)
    /// A file in `national/` whose name is not a date.
    case badListName(file: String)
    /// One station placed in two units of a layer on the same days.
    case conflictingMembership(code: String, layer: String, first: String, second: String)

    public var description: String {
        switch self {
        case .directoryNotFound(let dir):
            return "station registry directory '\(dir)' not found (use --stations DIR or run from the haze checkout)"
        case .noRegistryFiles(let dir):
            return "no *.csv station registry in '\(dir)' (nor a national/ folder of dated lists)"
        case .unreadable(let file, let reason):
            return "\(file): cannot read: \(reason)"
        case .notUTF8(let file, let line, let gbk):
            let what = gbk ? "is GBK/GB18030-encoded, not UTF-8" : "is not valid UTF-8"
            return "\(file):\(line): the file \(what); \(TextEncoding.conversionHint(for: file))"
        case .missingColumn(let file, let column):
            let expected = ["layer", "unit", "from", "to"].contains(column)
                ? "a membership file has code,layer,unit,from,to"
                : "expected code,name,city,district,longitude,latitude,control for stations, code,layer,unit,from,to for memberships, alias,city for city aliases"
            return "\(file): header lacks column '\(column)' (\(expected))"
        case .badRow(let file, let line, let field, let reason):
            return "\(file):\(line): field '\(field)': \(reason)"
        case .conflictingEntries(let code, let field, let first, let second):
            return "station \(code): registries disagree on \(field) ('\(first)' vs '\(second)')"
        case .badListName(let file):
            return "\(file): a dated station list is named by the day it comes into force, YYYY-MM-DD.csv (e.g. national/2022-02-13.csv)"
        case .conflictingMembership(let code, let layer, let first, let second):
            return "station \(code) is in two \(layer) units on the same days: \(first) and \(second); give the rows dates that do not overlap (from,to are inclusive)"
        }
    }
}
