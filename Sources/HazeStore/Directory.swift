#if canImport(Glibc)
import Glibc
#endif

/// Directories of the store (quarantine/, raw/, alerts/, backups), created
/// with the cause of a failure intact: a full disk is reported as a full
/// disk, not as "permission denied".
package enum Directory {
    /// Creates `path` and any missing parents (mode 0755). An existing
    /// directory is fine; an existing file of another kind is an error.
    package static func create(_ path: String) throws(StoreError) {
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw .system(path: path, operation: "create directory (a file of another kind is in the way)", errno: ENOTDIR)
            }
            return
        }
        let parent = parentPath(of: path)
        if !parent.isEmpty, parent != path { try create(parent) }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw .system(path: path, operation: "create directory", errno: errno)
        }
    }

    static func parentPath(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }
}
