import Foundation

/// `haze demo`: the main job on the bundled sample, start to finish.
enum DemoCommand {
    static let spec = CommandSpec(
        name: "demo",
        abstract: "Ingest the bundled sample (CNEMC, Jan–Feb 2019) into a temporary store and show what haze does.",
        options: [
            .value("--store", "DIR", "Keep the demo store in DIR instead of a temporary directory."),
            .value("--sample", "DIR", "Sample files to ingest (default $HAZE_SAMPLE, ./Tests/Fixtures/cnemc in a checkout, or the installed sample)."),
            CommonOptions.stations,
        ],
        discussion: "Each step prints the command it runs, so you can repeat it on your own store.",
        examples: ["swift run -c release haze demo", "haze demo --store /tmp/haze-demo"])

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        let console = context.console
        let sample = try context.dataDirectory(.sample, flag: arguments.value("--sample"))
        guard FileManager.default.fileExists(atPath: sample) else {
            throw UsageError.missing("haze demo: the sample directory \(sample) is missing (pass --sample DIR)")
        }
        let keep = arguments.value("--store") != nil
        let store = arguments.value("--store").map(context.absolute)
            ?? NSTemporaryDirectory() + "haze-demo-\(getpid())-\(time(nil))"
        defer { if !keep { try? FileManager.default.removeItem(atPath: store) } }
        let stations = try context.stationsDirectory(arguments)
        var failures: [Int32] = []

        func step(_ title: String, _ command: [String]) {
            console.print("")
            console.print("── \(title)")
            console.print("$ haze " + command.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " "))
            // Pass --store and --stations to the commands that take them.
            let options = HazeCLI.commands.first { $0.spec.name == command[0] }?.spec.options.map(\.name) ?? []
            var line = command
            if options.contains("--store") { line += ["--store", store] }
            if options.contains("--stations") { line += ["--stations", stations] }
            let code = HazeCLI.run(line, context: context)
            // 1 and 2 are alert levels, not failures.
            if code > 2 { failures.append(code) }
        }

        console.print("haze demo: store \(store)\(keep ? "" : " (temporary)"), registry \(stations), sample \(sample)")
        step("1. Ingest 59 CNEMC day files (PM rows of all 1605 stations; 2019-02-20 is truncated, 2019-02-03 lacks hour 22)",
             ["ingest", sample])
        step("2. What the store holds", ["status"])
        step("3. Beijing's monthly PM2.5 (the Ministry published 52 µg/m³ for January 2019)",
             ["query", "--city", "北京", "--pollutant", "pm2.5", "--resolution", "month", "--from", "2019-01-01", "--to", "2019-02-28"])
        step("4. One station's daily means around the mid-January episode",
             ["query", "--station", "1001A", "--resolution", "day", "--from", "2019-01-10", "--to", "2019-01-16"])
        step("5. A district's hourly values (mean of its assessment stations)",
             ["query", "--district", "朝阳区", "--city", "北京", "--pollutant", "pm2.5", "--resolution", "hour", "--from", "2019-01-13", "--to", "2019-01-13"])
        step("6. The monthly ranking of Beijing's districts (月度排名), January 2019",
             ["rank", "--month", "2019-01", "--city", "北京"])
        step("7. Both months together: the period's ranking and how often each district came first",
             ["rank", "--from", "2019-01", "--to", "2019-02", "--city", "北京", "--pollutant", "pm2.5"])
        step("8. The alerter as cron runs it, at 2019-01-12 20:00 for Beijing (--dry-run keeps no state)",
             ["alert", "--city", "北京", "--at", "2019-01-12T20:00+08:00", "--dry-run"])
        step("9. Tuning: replay the rules over the week of the episode, episodes per rule, subject and month",
             ["alert", "--city", "北京", "--replay", "--from", "2019-01-11", "--to", "2019-01-15", "--summary", "--lang", "en"])
        console.print("")
        console.print("For a bulletin: haze rank --month 2019-01 --city 北京 --format html --out 2019-01.html (or --format md)")
        console.print(keep ? "The demo store is kept at \(store)." : "The temporary store has been removed; pass --store DIR to keep one.")
        return failures.first.map { ExitCode(rawValue: $0) ?? .software } ?? .success
    }
}
