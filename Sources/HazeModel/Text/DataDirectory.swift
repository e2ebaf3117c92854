import Foundation

/// Where haze finds the data it ships with — the station registry
/// (`stations/`), the alert rule sets (`alerts/`) and the demo sample — for a
/// binary that may run from a checkout, from `/usr/local/bin`, or copied
/// anywhere.
///
/// Order: the command-line flag, then the environment variable, then the
/// working directory, then the installed data next to the binary
/// (`<prefix>/share/haze/<name>` for `<prefix>/bin/haze`). Nothing is taken
/// from the machine the binary was built on.
public struct DataDirectory: Sendable, Equatable {
    /// The folder name under the working directory and under `share/haze/`.
    public var name: String
    /// The environment variable that names it (`HAZE_STATIONS`).
    public var environmentVariable: String?
    /// A second relative path tried in the working directory (the demo sample
    /// lives in `Tests/Fixtures/cnemc` of a checkout).
    var checkoutPath: String?

    package init(name: String, environmentVariable: String?, checkoutPath: String? = nil) {
        self.name = name
        self.environmentVariable = environmentVariable
        self.checkoutPath = checkoutPath
    }

    /// The station registry, `stations/` (environment: `HAZE_STATIONS`).
    public static let stations = DataDirectory(name: "stations", environmentVariable: "HAZE_STATIONS")
    /// The alert rule sets, `alerts/` (environment: `HAZE_RULES`).
    public static let alerts = DataDirectory(name: "alerts", environmentVariable: "HAZE_RULES")
    package static let sample = DataDirectory(name: "sample", environmentVariable: "HAZE_SAMPLE",
                                             checkoutPath: "Tests/Fixtures/cnemc")

    /// The result of a lookup: the directory, or every place looked at.
    public enum Resolution: Sendable, Equatable {
        case found(String)
        case notFound(searched: [String])

        /// The directory found; nil when none was.
        public var path: String? {
            if case .found(let path) = self { return path }
            return nil
        }
    }

    /// Resolves the directory. A flag or environment value is taken as given
    /// (it is the user's explicit choice, and an error names it if it is wrong).
    public func resolve(flag: String?, environment: [String: String], workingDirectory: String,
                        executablePath: String?) -> Resolution {
        func absolute(_ path: String) -> String {
            if path.hasPrefix("/") { return path }
            if path.hasPrefix("~/"), let home = environment["HOME"] { return home + path.dropFirst(1) }
            return (workingDirectory as NSString).appendingPathComponent(path)
        }
        if let flag { return .found(absolute(flag)) }
        if let variable = environmentVariable, let value = environment[variable], !value.isEmpty {
            return .found(absolute(value))
        }
        var candidates = [absolute(name)]
        if let checkoutPath { candidates.append(absolute(checkoutPath)) }
        candidates += installedCandidates(executablePath: executablePath)
        for candidate in candidates where Self.isDirectory(candidate) { return .found(candidate) }
        return .notFound(searched: candidates)
    }

    /// `<prefix>/share/haze/<name>` for a binary at `<prefix>/bin/haze`, with
    /// symlinks to the binary resolved first.
    func installedCandidates(executablePath: String?) -> [String] {
        guard let executablePath, !executablePath.isEmpty else { return [] }
        let real = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath()
        let prefix = real.deletingLastPathComponent().deletingLastPathComponent()
        return [prefix.appendingPathComponent("share/haze/" + name).path]
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// The running binary's path (`/proc/self/exe` on Linux).
    public static var currentExecutable: String? {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments.first
    }
}
