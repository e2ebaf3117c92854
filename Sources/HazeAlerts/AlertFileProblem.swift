/// Something wrong with a file of `<store>/alerts/`: which file, and why.
/// `haze alert` stops on a damaged state rather than starting afresh (that
/// would report every open episode again and lose their closings), and
/// `haze check` lists these; `haze check --repair` rebuilds what it can.
public struct AlertFileProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the file.
    public enum Cause: Sendable, Equatable {
        /// The file has no bytes (a crash of the file system, or `> state.json`).
        case empty
        /// Not a haze alert state or log at all.
        case garbage(String)
        /// Shorter or longer than its header says.
        case truncated(expected: Int, found: Int)
        case extended(expected: Int, found: Int)
        /// The bytes do not match their checksum: changed after haze wrote them.
        case checksum(expected: String, found: String)
        /// Written by a newer haze.
        case newerVersion(found: Int, supported: Int)
        /// The checksum matches but the content cannot be read (or makes no sense).
        case undecodable(String)
        case inconsistent(String)
        /// The state is missing while the log holds reports: it was lost.
        case missing(logReports: Int)
        /// Log lines that are not reports (line numbers, 1-based), or a last line cut short.
        case badLines([Int])
        case tornLastLine(line: Int)
        /// The file could not be read.
        case unreadable(String)
    }

    /// The file, `<store>/alerts/…`.
    public var path: String
    var cause: Cause

    package init(path: String, cause: Cause) {
        self.path = path
        self.cause = cause
    }

    /// What is wrong, in words for the operator.
    public var reason: String {
        switch cause {
        case .empty: return "empty file"
        case .garbage(let detail): return "not a haze alert file (\(detail))"
        case .truncated(let expected, let found): return "truncated: \(found) bytes of state where its header says \(expected)"
        case .extended(let expected, let found): return "\(found) bytes of state where its header says \(expected) (bytes appended?)"
        case .checksum(let expected, let found): return "checksum mismatch (header \(expected), content \(found)): changed after haze wrote it"
        case .newerVersion(let found, let supported): return "format \(found) is newer than this haze (reads up to \(supported)); upgrade haze"
        case .undecodable(let detail): return "unreadable content: \(detail)"
        case .inconsistent(let detail): return "inconsistent: \(detail)"
        case .missing(let reports): return "missing, while alerts.ndjson holds \(reports) report(s): the state of their open episodes was lost"
        case .badLines(let lines):
            let shown = lines.prefix(10).map(String.init).joined(separator: ", ")
            return "\(lines.count) line(s) are not reports (line \(shown)\(lines.count > 10 ? ", …" : ""))"
        case .tornLastLine(let line): return "the last line (\(line)) is cut short"
        case .unreadable(let detail): return "cannot be read: \(detail)"
        }
    }

    /// True when `haze check --repair` can do something about it.
    var isRepairable: Bool {
        switch cause {
        case .newerVersion, .unreadable: return false
        default: return true
        }
    }

    public var description: String {
        let action: String
        switch cause {
        case .newerVersion: action = ""
        case .unreadable: action = "; check the file's permissions and the disk"
        default: action = "; run `haze check --repair` to rebuild it from the store and the log (the damaged file is kept beside it)"
        }
        return "\(path): \(reason)\(action)"
    }
}
