/// Why the static site could not be written.
public enum SiteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The directory holds files but no site manifest: haze does not write into it.
    case notASite(String)
    /// A page's path is taken by something that is not a regular file (a link, a FIFO, a directory).
    case specialFile(String)
    /// Another `haze site` is writing the same directory.
    case busy(String)
    /// A file or directory could not be created, written or removed.
    case system(path: String, operation: String, reason: String)

    /// True when the request is at fault (the directory chosen), not the system.
    public var isUsage: Bool {
        switch self {
        case .notASite, .specialFile: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .notASite(let dir):
            return "\(dir) is not empty and holds no haze site (no \(SitePath.manifest)); give an empty or new directory, haze does not write among other files"
        case .specialFile(let path):
            return "\(path) exists and is not a regular file (a link, FIFO, device or directory); haze does not replace it"
        case .busy(let dir):
            return "another haze site is writing \(dir); try again when it has finished"
        case .system(let path, let operation, let reason):
            return "\(path): cannot \(operation): \(reason)"
        }
    }
}
