import HazeModel

/// Why a store operation failed, with what to do about it.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(directory: String)
    case system(path: String, operation: String, errno: Int32)
    case badMagic(path: String)
    case newerVersion(path: String, found: Int, supported: Int)
    case corrupt(path: String, detail: String)
    case locked(directory: String)
    case readOnly(directory: String)
    case seriesCodeTooLong(String)
    case invalidConfiguration(String)
    case zoneMismatch(directory: String, store: LocalZone, requested: LocalZone)

    public var description: String {
        switch self {
        case .notFound(let dir):
            return "no haze store at '\(dir)' (create one with `haze init --store \(dir)` or ingest into it)"
        case .system(let path, let operation, let code):
            var hint = ""
            if code == 28 /* ENOSPC */ || code == 122 /* EDQUOT */ {
                hint = " — the disk is full; free space and run again (nothing was half-written)"
            }
            if code == 27 /* EFBIG */ { hint = " — over this process's file-size limit (ulimit -f); raise it and run again (nothing was half-written)" }
            if code == 30 /* EROFS */ || code == 13 /* EACCES */ { hint = " — the store is read-only for this user" }
            return "\(path): \(operation) failed: \(String(cString: strerror(code)))\(hint)"
        case .badMagic(let path):
            return "\(path): not a haze ring file (wrong magic number); `haze check --repair` can rebuild it from raw/"
        case .newerVersion(let path, let found, let supported):
            return "\(path): format version \(found) is newer than this haze (reads up to \(supported)); upgrade haze"
        case .corrupt(let path, let detail):
            return "\(path): damaged: \(detail); run `haze check --repair` to rebuild from raw/ (a backup is kept)"
        case .locked(let dir):
            return "another haze process is writing to '\(dir)'; try again when it finishes (or pass --wait)"
        case .readOnly(let dir):
            return "store '\(dir)' was opened read-only"
        case .seriesCodeTooLong(let code):
            return "station code '\(code)' is longer than \(SeriesKey.maximumCodeLength) bytes"
        case .invalidConfiguration(let detail):
            return "invalid store configuration: \(detail)"
        case .zoneMismatch(let dir, let store, let requested):
            return "store '\(dir)' counts days in \(store), not \(requested)"
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
