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
            .value("--day-hours", "0-23|1-24", "Which hour labels make a day: 1-24 (default: CNEMC's day, hours labelled by their end, so a date's hours 1…23 and hour 0 of the next date) or 0-23 (a date's labels 0…23)."),
        ],
        discussion: """
        The shape is fixed at creation: a ring never grows in time, only in stations.
        The day (--day-hours) is recorded in the store and used by every daily value,
        ranking and AQI. CNEMC labels an hour by its end (hour 8 = 07:00–08:00), and its
        own daily rows follow 1-24: the daily O3 maximum 8-hour mean (O3_8h_24h) of the
        January–February 2019 files equals ours in 98.0 % of station-days with 1-24 and
        83.8 % with 0-23 (Tests/Scripts/RULES.md §2). Monthly PM means move by at most
        about 1 µg/m³ between the two.
        """,
        examples: ["haze init --store /var/lib/haze --hours 10080 --days 4096",
                   "haze init --store /var/lib/haze-0-23 --day-hours 0-23"])

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
        if let text = arguments.value("--day-hours") {
            guard let convention = DayConvention(text: text) else {
                throw UsageError.invalidValue(option: "--day-hours", value: text, expected: "1-24 or 0-23")
            }
            configuration.dayConvention = convention
        }
        if Store.exists(at: directory) {
            context.console.note("haze init: a store already exists at \(directory); nothing changed")
            return .success
        }
        let store = try Store(directory: directory, access: .readWrite, creating: configuration)
        context.console.print("created store \(directory): \(store.hourlyCapacity) hours, \(store.dailyCapacity) days, days counted in \(store.zone), day = hour labels \(store.calendar.convention)")
        return .success
    }
}
