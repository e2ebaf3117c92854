import Foundation

/// What every command runs with: where to write, the environment, the
/// working directory. Tests pass their own to run commands in-process.
public struct CommandContext: Sendable {
    public var console: Console
    public var environment: [String: String]
    public var workingDirectory: String

    public init(console: Console, environment: [String: String] = ProcessInfo.processInfo.environment,
                workingDirectory: String = FileManager.default.currentDirectoryPath) {
        self.console = console
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    /// An absolute path for a user-given one.
    public func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/"), let home = environment["HOME"] { return home + path.dropFirst(1) }
        return (workingDirectory as NSString).appendingPathComponent(path)
    }

    /// `--store`, else `$HAZE_STORE`, else `./haze-store`.
    public func storeDirectory(_ arguments: ParsedArguments) -> String {
        absolute(arguments.value("--store") ?? environment["HAZE_STORE"] ?? "haze-store")
    }

    /// `--stations`, else `$HAZE_STATIONS`, else `./stations`, else the
    /// registry of the haze checkout this binary was built from.
    public func stationsDirectory(_ arguments: ParsedArguments) -> String {
        if let given = arguments.value("--stations") ?? environment["HAZE_STATIONS"] { return absolute(given) }
        let local = absolute("stations")
        if FileManager.default.fileExists(atPath: local) { return local }
        return Checkout.root + "/stations"
    }

    public func registry(_ arguments: ParsedArguments) throws(RegistryError) -> StationRegistry {
        try StationRegistry.load(directory: stationsDirectory(arguments))
    }

    /// Opens the store named by the arguments.
    public func openStore(_ arguments: ParsedArguments, access: Store.Access,
                          creating: StoreConfiguration? = nil) throws(StoreError) -> Store {
        let wait = arguments.value("--wait").flatMap(Double.init) ?? (arguments.has("--wait") ? 3600 : nil)
        return try Store(directory: storeDirectory(arguments), access: access, creating: creating, lockTimeout: wait)
    }
}

/// The source checkout haze was built from (for the bundled sample and registry).
public enum Checkout {
    /// `…/Sources/HazeKit/CLI/CommandContext.swift` → the package root.
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()
}
