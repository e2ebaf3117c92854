import HazeModel
import HazeStore

/// `haze init`: creates a store with a chosen shape.
enum InitCommand {
    static let spec = CommandSpec(
        name: "init",
        abstract: "Create an empty store (ingest creates one with defaults if needed).",
        options: [
            CommonOptions.store,
            .value("--hours", "N", "Hourly ring capacity in hours (default 10080 = 420 days).", accepts: .wholeNumber(48...1_000_000)),
            .value("--days", "N", "Daily ring capacity in days (default 4096, over 11 years); at least the hours' days plus two.",
                   accepts: .wholeNumber(4...100_000)),
            .value("--utc-offset", "HOURS", "Zone days are counted in, whole hours east of UTC (default 8, Beijing time).",
                   accepts: .wholeNumber(LocalZone.offsetHoursRange)),
        ],
        discussion: "The shape is fixed at creation: a ring never grows in time, only in stations.",
        examples: ["haze init --store /var/lib/haze --hours 10080 --days 4096"])

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        let directory = context.storeDirectory(arguments)
        var configuration = StoreConfiguration.standard
        if let hours = try arguments.integer("--hours") { configuration.hourlyCapacity = hours }
        if let days = try arguments.integer("--days") { configuration.dailyCapacity = days }
        if let offset = try arguments.integer("--utc-offset") {
            guard let zone = LocalZone(hours: offset) else {
                throw UsageError.invalidValue(option: "--utc-offset", value: String(offset), expected: "whole hours within ±14")
            }
            configuration.zone = zone
        }
        // The daily ring must outlast the hourly one (every day rolls up before its hours go).
        let minimumDays = configuration.hourlyCapacity / 24 + 2
        guard configuration.dailyCapacity >= minimumDays else {
            throw UsageError.conflict("haze init: --hours \(configuration.hourlyCapacity) needs --days of at least \(minimumDays) (the hourly window plus two days, so every day rolls up before its hours are overwritten); --days is \(configuration.dailyCapacity)" + (arguments.value("--days") == nil ? " (the default)" : ""))
        }
        if Store.exists(at: directory) {
            context.console.note("haze init: a store already exists at \(directory); nothing changed")
            return .success
        }
        let store = try Store(directory: directory, access: .readWrite, creating: configuration)
        context.console.print("created store \(directory): \(store.hourlyCapacity) hours, \(store.dailyCapacity) days, days counted in \(store.zone)")
        return .success
    }
}
