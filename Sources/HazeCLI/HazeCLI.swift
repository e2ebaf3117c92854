import HazeModel
import HazeRegistry
import HazeStore
import HazeSources
import HazeAssessment
import HazeAlerts
import HazeReport
import HazeWarehouse

/// The `haze` command line: dispatches to a command and turns errors into
/// messages and exit codes.
public enum HazeCLI {
    /// A runnable command.
    package struct Command: Sendable {
        package var spec: CommandSpec
        package var run: @Sendable (ParsedArguments, CommandContext) throws -> ExitCode
    }

    
    package static var commands: [Command] {
        [InitCommand.command, IngestCommand.command, PullCommand.command, QueryCommand.command, PlotCommand.command, RankCommand.command,
         BulletinCommand.command, CompensationCommand.command, SiteCommand.command, AlertCommand.command, AlertSilenceCommand.command,
         AlertLogCommand.command, AlertAckCommand.command, StationsCommand.command, CheckCommand.command, RebuildCommand.command, ExportCommand.command, ExportClickHouseCommand.command,
         StatusCommand.command, DemoCommand.command]
    }

    package static var help: String {
        var text = """
        haze \(HazeVersion.current) — hourly PM2.5/PM10 from national-control stations: ingest, store,
        rank districts by GB 3095 / HJ 663, alert, query.

        USAGE: haze <command> [options]

        COMMANDS:

        """
        let width = (commands.map(\.spec.name.count).max() ?? 8) + 2
        for command in commands {
            text += "  " + command.spec.name + String(repeating: " ", count: width - command.spec.name.count)
                + command.spec.abstract + "\n"
        }
        text += """

        Run `haze <command> --help` for a command's options and examples.
        Environment: HAZE_STORE (default store directory), HAZE_STATIONS (registry directory),
        HAZE_CACHE (the registry's compiled image and rankings' units: an absolute path, by default
        $XDG_CACHE_HOME/haze or ~/.cache/haze; off: none).

        """
        return text
    }

    /// Runs a command line (without the program name) and returns the exit
    /// status: 74 when its output could not all be written to stdout (said on
    /// stderr), unless the command already failed with a status of its own.
    public static func run(_ arguments: [String], context: CommandContext) -> Int32 {
        // A registry parsed by this command leaves its image for the next run, written
        // once the command has answered (see `RegistryCache`).
        defer { RegistryCache.writeDeferredImages() }
        let status = dispatch(arguments, context: context)
        guard let failure = context.console.outputFailure else { return status }
        context.console.note(Console.outputFailureMessage(failure))
        // 0, and haze alert's 1 and 2, say what was found; the output saying it is incomplete.
        return status <= ExitCode.critical.rawValue ? ExitCode.ioError.rawValue : status
    }

    /// Runs a command line and returns its status (`run` adds what befell stdout).
    private static func dispatch(_ arguments: [String], context: CommandContext) -> Int32 {
        let console = context.console
        guard let first = arguments.first else {
            console.err(help)
            return ExitCode.usage.rawValue
        }
        if first == "--help" || first == "-h" || first == "help" {
            let asked = arguments.dropFirst().prefix(2).joined(separator: " ")
            if let command = commands.first(where: { $0.spec.name == asked }) ?? commands.first(where: { arguments.count > 1 && $0.spec.name == arguments[1] }) {
                console.out(command.spec.help)
            } else {
                console.out(help)
            }
            return ExitCode.success.rawValue
        }
        if first == "--version" {
            console.print("haze \(HazeVersion.current)")
            return ExitCode.success.rawValue
        }
        // Subcommands are named by two words (`haze alert log`).
        var name = first
        var rest = Array(arguments.dropFirst())
        if let sub = rest.first, commands.contains(where: { $0.spec.name == "\(name) \(sub)" }) {
            name = "\(name) \(sub)"
            rest.removeFirst()
        }
        guard let command = commands.first(where: { $0.spec.name == name }) else {
            let close = Suggestion.closest(to: name, among: commands.map(\.spec.name), limit: 1).first
            console.note("haze: error: \(UsageError.unknownCommand(name, suggestion: close))")
            return ExitCode.usage.rawValue
        }
        do {
            let parsed = try command.spec.parse(rest)
            if parsed.has("--help") {
                console.out(command.spec.help)
                return ExitCode.success.rawValue
            }
            return try command.run(parsed, context).rawValue
        } catch let error as UsageError {
            console.note("haze: error: \(error)")
            console.note("(see `haze \(name) --help`)")
            return ExitCode.usage.rawValue
        } catch let error as StoreError {
            console.note("haze: error: \(error)")
            return ExitCode(for: error).rawValue
        } catch let error as RegistryError {
            console.note("haze: error: \(error)")
            return ExitCode.dataError.rawValue
        } catch let error as BoundaryError {
            console.note("haze: error: \(error)")
            return ExitCode.dataError.rawValue
        } catch let error as QueryError {
            console.note("haze: error: \(error)")
            if error.isUsage { console.note("(see `haze \(name) --help`)") }
            if case .hoursNotHeld = error { return ExitCode.noInput.rawValue }
            return (error.isUsage ? ExitCode.usage : ExitCode.dataError).rawValue
        } catch let error as PullError {
            console.note("haze: error: \(error)")
            if case .networkUnavailable = error { return ExitCode.unavailable.rawValue }
            return ExitCode.dataError.rawValue
        } catch let error as OutputFile.Failure {
            console.note("haze: error: --out \(error)")
            switch error {
            case .refused: return ExitCode.usage.rawValue
            case .system: return ExitCode.ioError.rawValue
            }
        } catch let error as AlertRunError {
            console.note("haze: error: \(error)")
            return ExitCode.dataError.rawValue
        } catch let error as SiteError {
            console.note("haze: error: \(error)")
            if error.isUsage { return ExitCode.usage.rawValue }
            if case .busy = error { return ExitCode.temporaryFailure.rawValue }
            return ExitCode.ioError.rawValue
        } catch let error as ClickHouseError {
            console.note("haze: error: \(error)")
            if case .configuration = error { return ExitCode.usage.rawValue }
            return (error.isTemporary ? ExitCode.temporaryFailure : ExitCode.dataError).rawValue
        } catch let error as ConfigurationError {
            console.note("haze: error: \(error)")
            return ExitCode.dataError.rawValue
        } catch {
            console.note("haze: error: \(error)")
            return ExitCode.software.rawValue
        }
    }
}

/// Options shared by commands that open a store or a registry.
enum CommonOptions {
    static let store = CommandSpec.Option.value("--store", "DIR", "Store directory (default $HAZE_STORE or ./haze-store).")
    static let stations = CommandSpec.Option.value("--stations", "DIR", "Station registry directory (default $HAZE_STATIONS or ./stations).")
    static let wait = CommandSpec.Option.value("--wait", "SECONDS", "Wait up to SECONDS for another writer to finish instead of failing.",
                                               accepts: .decimal(0...86_400))
}
