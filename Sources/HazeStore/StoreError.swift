#if canImport(Glibc)
import Glibc
#endif
import HazeModel

/// Why a store operation failed, with what to do about it.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(directory: String)
    case system(path: String, operation: String, errno: Int32)
    case badMagic(path: String)
    case newerVersion(path: String, found: Int, supported: Int)
    /// A ring of an older format: a writer upgrades it in place (a backup is kept).
    case formatUpgradeNeeded(path: String, found: Int)
    case corrupt(path: String, detail: String)
    case locked(directory: String)
    case readOnly(directory: String)
    /// A station code the store cannot hold (`SeriesKey.codeProblem` says why).
    case invalidSeriesCode(String, problem: String)
    case unknownSeries(index: Int, count: Int)
    case invalidConfiguration(String)
    case zoneMismatch(directory: String, store: LocalZone, requested: LocalZone)
    /// Every attempt at a consistent read overlapped a write.
    case busy(directory: String, attempts: Int)

    public var description: String {
        switch self {
        case .notFound(let dir):
            return "no haze store at '\(dir)' (create one with `haze init --store \(dir)` or ingest into it)"
        case .system(let path, let operation, let code):
            return "\(path): \(operation) failed: \(String(cString: strerror(code)))\(Self.hint(for: code))"
        case .badMagic(let path):
            return "\(path): not a haze ring file (wrong magic number); `haze check --repair` restores what raw/ holds"
        case .newerVersion(let path, let found, let supported):
            return "\(path): format version \(found) is newer than this haze (reads up to \(supported)); upgrade haze"
        case .formatUpgradeNeeded(let path, let found):
            return "\(path): format version \(found) needs an upgrade to version \(RingHeader.formatVersion); any writing command (`haze ingest`, `haze check --repair`) upgrades it in place, keeping the old files in backup-<time>/"
        case .corrupt(let path, let detail):
            return "\(path): damaged: \(detail); run `haze check` to see what is affected and `haze check --repair` to restore it"
        case .locked(let dir):
            return "another haze process is writing to '\(dir)'; try again when it finishes (or pass --wait)"
        case .readOnly(let dir):
            return "store '\(dir)' was opened read-only"
        case .invalidSeriesCode(let code, let problem):
            return "'\(SeriesKey.printable(code))': \(problem); no series was added"
        case .unknownSeries(let index, let count):
            return "series \(index) is not in the store (it has \(count)); a caller addressed a series it did not resolve"
        case .invalidConfiguration(let detail):
            return "invalid store configuration: \(detail)"
        case .zoneMismatch(let dir, let store, let requested):
            return "store '\(dir)' counts days in \(store), not \(requested)"
        case .busy(let dir, let attempts):
            return "store '\(dir)' changed during each of \(attempts) reads; nothing torn was returned — run again when the writer is done"
        }
    }

    /// What the user can do about a system error.
    static func hint(for code: Int32) -> String {
        switch code {
        case ENOSPC, EDQUOT: " — the disk is full; free space and run again (nothing was half-written)"
        case EFBIG: " — over this process's file-size limit (ulimit -f); raise it and run again (nothing was half-written)"
        case EROFS: " — the file system is mounted read-only"
        case EACCES, EPERM: " — permission denied for this user"
        case ELOOP: " — it is a symbolic link; haze never writes through links in a store (move the whole store instead)"
        case EIO: " — the disk reported an I/O error; check the disk before running again"
        default: ""
        }
    }
}
