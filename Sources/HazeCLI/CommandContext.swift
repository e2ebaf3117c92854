import Foundation
import Synchronization
import HazeModel
import HazeRegistry
import HazeStore

/// What every command runs with: where to write, the environment, the
/// working directory. Tests pass their own to run commands in-process.
public struct CommandContext: Sendable {
    package var console: Console
    package var environment: [String: String]
    package var workingDirectory: String
    /// The running binary, for data installed beside it (`share/haze/`).
    package var executablePath: String?

    /// A context writing to `console`; environment, working directory and executable
    /// default to the running process's.
    public init(console: Console, environment: [String: String] = ProcessInfo.processInfo.environment,
                workingDirectory: String = FileManager.default.currentDirectoryPath,
                executablePath: String? = DataDirectory.currentExecutable) {
        self.console = console
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.executablePath = executablePath
    }

    /// An absolute path for a user-given one.
    package func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/"), let home = environment["HOME"] { return home + path.dropFirst(1) }
        return (workingDirectory as NSString).appendingPathComponent(path)
    }

    /// `--store`, else `$HAZE_STORE`, else `./haze-store`.
    package func storeDirectory(_ arguments: ParsedArguments) -> String {
        absolute(arguments.value("--store") ?? environment["HAZE_STORE"] ?? "haze-store")
    }

    /// A shipped data directory: the flag, else its environment variable,
    /// else the working directory, else `<prefix>/share/haze/` beside the binary.
    package func dataDirectory(_ kind: DataDirectory, flag: String?) throws(UsageError) -> String {
        switch kind.resolve(flag: flag, environment: environment, workingDirectory: workingDirectory,
                            executablePath: executablePath) {
        case .found(let path):
            return path
        case .notFound(let searched):
            let variable = kind.environmentVariable.map { " or $\($0)" } ?? ""
            throw .missing("cannot find the \(kind.name) directory; looked in \(searched.joined(separator: ", ")) — pass its path\(variable)")
        }
    }

    /// `--stations`, else `$HAZE_STATIONS`, else `./stations`, else the installed registry.
    package func stationsDirectory(_ arguments: ParsedArguments) throws(UsageError) -> String {
        try dataDirectory(.stations, flag: arguments.value("--stations"))
    }

    /// Loads the registry; what loads but looks wrong (a station named 对照点
    /// without a control flag …) is printed on stderr, never dropped.
    package func registry(_ arguments: ParsedArguments) throws -> StationRegistry {
        try registrySource(arguments).registry
    }

    /// `registry(_:)` with the fingerprint of the files it was loaded from,
    /// for keeping what a command derives from it (`RegistryDerivation`).
    package func registrySource(_ arguments: ParsedArguments) throws -> RegistryDerivation.Source {
        let source = try RegistryDerivation.load(directory: stationsDirectory(arguments), cache: registryCache)
        for warning in source.registry.warnings { console.note("haze: warning: \(warning)") }
        Self.lastRegistry.withLock { $0 = source.registry }
        return source
    }

    /// Where loaded registries are kept between runs (`RegistryCache.location`; `HAZE_CACHE=off`: none).
    package var registryCache: RegistryCache? {
        RegistryCache.location(environment: environment)
    }

    /// The registry the last command loaded, kept until the next one is loaded
    /// or the process exits: freeing a province's registry (25 000 stations,
    /// 25 ms) is a tenth of a `haze rank` over it, and exiting frees it for nothing.
    private static let lastRegistry = Mutex<StationRegistry?>(nil)

    /// Opens the store named by the arguments.
    package func openStore(_ arguments: ParsedArguments, access: Store.Access,
                          creating: StoreConfiguration? = nil, durability: Store.Durability = .eachWrite) throws -> Store {
        let wait = try arguments.waitSeconds()
        return try Store(directory: storeDirectory(arguments), access: access, creating: creating, lockTimeout: wait,
                         durability: durability)
    }
}
