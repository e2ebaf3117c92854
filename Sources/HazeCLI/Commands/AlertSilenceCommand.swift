import Foundation
import HazeModel
import HazeStore
import HazeAlerts

/// `haze alert silence`: hold reports back for a while (maintenance, a known
/// construction site), list silences, end one early. Recorded in the store's
/// book of silences (`<store>/alerts/silences.ndjson`, appended only).
enum AlertSilenceCommand {
    static let spec = CommandSpec(
        name: "alert silence",
        abstract: "Silence reports until a local time (set, --list, --expire); silenced reports are still logged, marked.",
        options: [
            CommonOptions.store, CommonOptions.stations,
            .value("--rules", "DIR", "Rule files (default $HAZE_RULES or ./alerts): rule ids are checked against them."),
            .value("--routes", "FILE", "Routes file whose zones --zone may name (default routes.json in the rules directory)."),
            .value("--rule", "ID", "Reports of this rule."),
            .value("--campaign", "ID", "Reports of this campaign."),
            .value("--city", "NAME", "Reports about this city's stations, districts and the city."),
            .value("--district", "NAME", "Reports about this district and its stations."),
            .value("--zone", "NAME", "Reports about the stations of this zone (from the routes file)."),
            .value("--station", "CODE", "Reports about this subject (a station code, a city, or city/district)."),
            .value("--severity", "LEVEL", "Reports of this severity: info | warning | critical."),
            .value("--from", "TIME", "From this local hour (default: now).", accepts: .hour),
            .value("--until", "TIME", "Until this local hour, e.g. 2019-03-15T18:00 (reports about earlier hours are held back).", accepts: .hour),
            .value("--by", "NAME", "Who sets or ends the silence (recorded)."),
            .value("--reason", "TEXT", "Why (recorded): 施工, 仪器维护 …"),
            .flag("--list", "List the silences in force (with --all, every one ever set)."),
            .flag("--all", "With --list: expired silences too."),
            .value("--expire", "ID", "End silence ID now."),
            CommonOptions.wait,
        ],
        rules: [
            .exclusive("--list", "--expire", because: "list, or end one"),
            .exclusive("--list", "--until", because: "--until sets a silence"),
            .exclusive("--expire", "--until", because: "--until sets a silence"),
            .requires("--all", "--list", because: "it widens the list"),
            .requires("--reason", "--until", because: "a reason goes with a new silence"),
            .requires("--from", "--until", because: "it starts a new silence"),
        ],
        discussion: """
        A silence holds back, from every receiver, the reports it matches (every field given
        must match) whose hour — the data hour, local time — is from --from (default now)
        until --until. They are still evaluated and logged, marked "silenced": "<id>", and
        shown by `haze alert log`. A silence must name at least one field. Silences can also
        be written by hand in silences.json beside the rules (see the README).
        """,
        examples: [
            "haze alert silence --district 大兴区 --rule pm10-hourly-high --until 2019-03-15T18:00 --by 张三 --reason 亦庄施工",
            "haze alert silence --station 1012A --until 2019-03-02T12:00 --by 李四 --reason 仪器校准",
            "haze alert silence --list",
            "haze alert silence --expire s3 --by 张三",
        ])

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        let console = context.console
        let directory = context.storeDirectory(arguments)
        let zone = try Store.readConsistently(directory: directory) { $0.zone }
        let book = SilenceBook(storeDirectory: directory)
        let now = Date().timeIntervalSince1970
        let nowHour = Hour(Int((now / 3600).rounded(.down)))
        if arguments.has("--list") {
            let silences = try book.silences(zone: zone)
            let shown = arguments.has("--all") ? silences : silences.filter { $0.isActive(at: nowHour) }
            guard !shown.isEmpty else {
                console.print(arguments.has("--all") ? "no silences were ever set" : "no silence in force")
                return .success
            }
            for silence in shown {
                let span = (silence.from.map { zone.format($0) } ?? "—") + " … " + zone.format(silence.until)
                console.print("\(silence.id)  \(span)  \(silence.match.summary)  by \(silence.by): \(silence.reason)")
            }
            return .success
        }
        guard let by = arguments.value("--by"), !by.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw UsageError.missing("haze alert silence needs --by NAME (who sets or ends it is recorded)")
        }
        guard by.count <= 100, !by.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw UsageError.invalidValue(option: "--by", value: by, expected: "a name of at most 100 characters without control characters")
        }
        let journal = AlertJournal(storeDirectory: directory)
        if let id = arguments.value("--expire") {
            let lock = try journal.lock(timeout: arguments.value("--wait").flatMap(Double.init))
            defer { withExtendedLifetime(lock) {} }
            guard try book.silences(zone: zone).contains(where: { $0.id == id }) else {
                throw UsageError.invalidValue(option: "--expire", value: id, expected: "the id of a silence (haze alert silence --list --all)")
            }
            try book.expire(id: id, by: by, now: now, zone: zone)
            console.print("silence \(id) ended at \(WallTime.format(now, zone: zone))")
            return .success
        }
        guard let until = try AlertCommand.hour(arguments, "--until", zone) else {
            throw UsageError.missing("haze alert silence needs --until TIME (a silence ends), or --list, or --expire ID")
        }
        let from = try AlertCommand.hour(arguments, "--from", zone)
        guard until > (from ?? nowHour) else {
            throw UsageError.conflict("haze alert silence: --until \(zone.format(until)) is not after \(from.map { "--from " + zone.format($0) } ?? "now (\(zone.format(nowHour)))")")
        }
        let reason = arguments.value("--reason") ?? ""
        guard reason.count <= 1000, !reason.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw UsageError.invalidValue(option: "--reason", value: reason, expected: "one line of at most 1000 characters")
        }
        let registry = try context.registry(arguments)
        let rules = try RuleSet.load(directory: AlertCommand.rulesDirectory(arguments, context))
        let zones = try AlertLogCommand.zones(arguments, context, rules: rules, registry: registry)
        let vocabulary = ReportMatch.Vocabulary(rules: rules, registry: registry, zones: zones)
        var match = ReportMatch()
        let fields: [(String, ReportMatch.Field)] = [("--rule", .rule), ("--campaign", .campaign), ("--city", .city),
                                                     ("--district", .district), ("--zone", .zone), ("--station", .subject),
                                                     ("--severity", .severity)]
        for (option, field) in fields {
            guard let value = arguments.value(option) else { continue }
            do throws(ConfigurationError) {
                try match.add(field, [value], vocabulary: vocabulary) { reason in
                    .invalid(file: "haze alert silence", item: nil, field: option, reason: reason)
                }
            } catch {
                if case .invalid(_, _, _, let reason) = error { throw UsageError.conflict("haze alert silence \(option): \(reason)") }
                throw error
            }
        }
        guard !match.isEverything else {
            throw UsageError.missing("haze alert silence: name what to silence (--rule, --campaign, --city, --district, --zone, --station or --severity); a silence of everything would stop every report")
        }
        let lock = try journal.lock(timeout: arguments.value("--wait").flatMap(Double.init))
        defer { withExtendedLifetime(lock) {} }
        let silence = try book.add(match: match, from: from ?? nowHour, until: until, by: by, reason: reason, now: now, zone: zone)
        console.print("silence \(silence.id): \(match.summary) from \(zone.format(silence.from ?? nowHour)) until \(zone.format(until)) (by \(by))")
        return .success
    }
}
