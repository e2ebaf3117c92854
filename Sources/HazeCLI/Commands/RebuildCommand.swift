import Foundation
import HazeIngest

/// `haze rebuild`: recreate the rings from the raw archive.
enum RebuildCommand {
    static let spec = CommandSpec(
        name: "rebuild",
        abstract: "Recreate the hourly and daily rings from the payloads under <store>/raw/.",
        options: [
            CommonOptions.store, CommonOptions.stations, CommonOptions.wait,
            .flag("--quiet", "Print only the summary line.", short: "-q"),
        ],
        discussion: """
        The payloads are ingested in path order into new rings of the same shape; the old
        rings are kept in <store>/backup-<time>/ and replaced only when the rebuild has
        succeeded. Quarantine, pull cursors and alert state are left as they are.
        """,
        examples: ["haze rebuild --store /var/lib/haze"])

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        let registry = try context.registry(arguments)
        let directory = context.storeDirectory(arguments)
        let rebuild = StoreRebuild(directory: directory, registry: registry, configuration: StoreRebuild.configuration(of: directory))
        let report = try rebuild.run(lockTimeout: try arguments.waitSeconds(),
                                     progress: arguments.has("--quiet") ? nil : { context.console.note($0) })
        context.console.print(report)
        return .success
    }
}
