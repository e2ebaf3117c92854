import HazeModel
import HazeStore

/// `haze init`: creates a store with a chosen shape.
enum InitCommand {
    static let spec = CommandSpec(
        name: "init",
        abstract: "Create an empty store (ingest creates one with defaults if needed).",
        options: [
            CommonOptions.store,
            .value("--hours", "N", "Hourly ring capacity in hours (default 10080 = 420 days)."),
            .value("--days", "N", "Daily ring capacity in days (default 4096, over 11 years)."),
            .value("--utc-offset", "HOURS", "Zone days are counted in (default 8, Beijing time)."),
        ],
        discussion: "The shape is fixed at creation: a ring never grows in time, only in stations.",
        examples: ["haze init --store /var/lib/haze --hours 10080 --days 4096"])

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        let directory = context.storeDirectory(arguments)
        if Store.exists(at: directory) {
            context.console.note("haze init: a store already exists at \(directory); nothing changed")
            return .success
        }
        var configuration = StoreConfiguration.standard
        if let hours = try arguments.integer("--hours", in: 48...1_000_000) { configuration.hourlyCapacity = hours }
        if let days = try arguments.integer("--days", in: 4...100_000) { configuration.dailyCapacity = days }
        if let offset = try arguments.integer("--utc-offset", in: -12...14) {
            configuration.zone = LocalZone(offsetMinutes: offset * 60)
        }
        let store = try Store(directory: directory, access: .readWrite, creating: configuration)
        context.console.print("created store \(directory): \(store.hourlyCapacity) hours, \(store.dailyCapacity) days, days counted in \(store.zone)")
        return .success
    }
}
