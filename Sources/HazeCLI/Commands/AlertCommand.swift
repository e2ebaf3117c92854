import Foundation
import HazeModel
import HazeRegistry
import HazeStore
import HazeNet
import HazeAssessment
import HazeAlerts
import HazeReport

/// `haze alert`: the cron-driven alerter, and its replay over history.
/// Parses the arguments, calls `AlertRun` or `AlertReplay`, prints.
enum AlertCommand {
    static let spec = CommandSpec(
        name: "alert",
        abstract: "Evaluate the campaign alert rules (cron-safe), or replay them over history.",
        options: [
            CommonOptions.store, CommonOptions.stations,
            .value("--rules", "DIR", "Rule files (default $HAZE_RULES or ./alerts)."),
            .value("--city", "NAME", "Only subjects in this city (stations, districts, the city itself); other subjects' state is left as it is."),
            .value("--at", "TIME", "Evaluate as of this hour (2019-01-12T08:00+08:00), not after the newest data nor before hours already evaluated (any hour with --dry-run).",
                   accepts: .hour),
            .value("--now", "TIME", "Take TIME as the current time for the data-stopped check instead of the system clock (never later than it).",
                   accepts: .hour),
            .value("--format", "FORMAT", "table (default) | json | ndjson."),
            .value("--lang", "LANG", "zh (default) | en."),
            .value("--webhook", "URL", "POST new reports (and earlier undelivered ones) to URL."),
            .value("--webhook-format", "FORMAT", "json (default) | text (chat-robot message)."),
            .value("--webhook-deadline", "SECONDS", "Give up delivering after SECONDS, retries included (default 20).",
                   accepts: .wholeNumber(1...600)),
            .value("--routes", "FILE", "Receivers and routes (default routes.json in the rules directory, when there is one)."),
            .value("--delivery-wait", "SECONDS", "Wait at most SECONDS in all for receivers' quotas and retries, then keep the rest for a later run (default 60).",
                   accepts: .wholeNumber(0...3600)),
            .flag("--deliver-only", "Deliver what waits in the outboxes; evaluate nothing (for a cron line every few minutes)."),
            .flag("--dry-run", "Evaluate and print; change no state, log or webhook."),
            .flag("--replay", "Run the rules hour by hour over --from … --to and print every report as it is made (memory does not grow with the period)."),
            .value("--from", "DATE", "First local date of the replay.", accepts: .date),
            .value("--to", "DATE", "Last local date of the replay.", accepts: .date),
            .flag("--summary", "With --replay: episodes per rule, subject and month."),
            CommonOptions.wait,
        ],
        rules: [
            .requires("--replay", "--from", because: "a replay needs its first date"),
            .requires("--replay", "--to", because: "a replay needs its last date"),
            .requires("--from", "--replay", because: "--from and --to give a replay's dates; a cron run evaluates the hours since the last run"),
            .requires("--to", "--replay", because: "--from and --to give a replay's dates; a cron run evaluates the hours since the last run"),
            .requires("--summary", "--replay", because: "the summary counts the episodes of a replay"),
            .exclusive("--summary", "--format=json", because: "the summary is a table"),
            .exclusive("--summary", "--format=ndjson", because: "the summary is a table"),
            .exclusive("--replay", "--at", because: "a replay evaluates every hour from --from to --to"),
            .exclusive("--replay", "--dry-run", because: "a replay never changes state; --dry-run is for a cron-style run"),
            .exclusive("--replay", "--webhook", because: "a replay delivers nothing"),
            .exclusive("--replay", "--wait", because: "a replay takes no lock, so it never waits"),
            .exclusive("--dry-run", "--webhook", because: "a dry run delivers nothing"),
            .requires("--webhook-format", "--webhook", because: "it sets how the webhook's messages are written"),
            .requires("--webhook-deadline", "--webhook", because: "it bounds the webhook's delivery"),
            .exclusive("--replay", "--routes", because: "a replay delivers nothing"),
            .exclusive("--replay", "--delivery-wait", because: "a replay delivers nothing"),
            .exclusive("--dry-run", "--delivery-wait", because: "a dry run delivers nothing"),
            .exclusive("--deliver-only", "--replay", because: "a replay delivers nothing"),
            .exclusive("--deliver-only", "--dry-run", because: "a dry run delivers nothing"),
            .exclusive("--deliver-only", "--at", because: "--deliver-only evaluates no hour"),
            .exclusive("--deliver-only", "--city", because: "--deliver-only evaluates no subject; it empties every outbox"),
        ],
        discussion: """
        Each rule is evaluated for every subject of its scope. An episode per (rule, subject)
        is reported when it opens, again only when it escalates or after its cooldown, and
        once when it closes; missing data never closes one. State and the NDJSON log live
        in <store>/alerts. Every subject keeps its own cursor: a run evaluates, per subject,
        the hours since that subject's last run (at most a week), so hourly runs give exactly
        the replay's episodes and a --city run leaves every other subject to the next run.
        Rules about the data run up to the store's newest hour; `feed` rules (data stopped
        arriving) run up to now — the system clock, or --now / --at — so a stopped feed is
        itself an alert. A damaged alert state stops the run: `haze check --repair` rebuilds it.
        Receivers and routes come from routes.json in the rules directory (or --routes):
        WeCom, DingTalk, Feishu robots, webhooks and Alertmanager, each sent digests within
        its limits and quota; what cannot go now waits in its outbox for a later run.
        Related: `haze alert silence` (hold reports back), `haze alert log` (what was reported,
        to whom, delivered, closed, acknowledged), `haze alert ack EPISODE --by NAME`.
        Exit status: 0 = no open episode (or only info), 1 = a warning is open,
        2 = a critical one is open; 64 = a usage error (e.g. --at after the newest data); 65+ = an error.
        """,
        examples: [
            "haze ingest /data/today/ && haze alert --webhook 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…' --webhook-format text",
            "haze alert --replay --from 2019-01-01 --to 2019-02-28 --summary",
            "haze alert --at 2019-01-12T08:00+08:00 --dry-run --lang en",
            "haze alert --deliver-only --delivery-wait 300",
        ])

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        let console = context.console
        let format = try arguments.format(allowed: [.table, .json, .ndjson])
        let language: Language = try arguments.choice("--lang", default: .zh)
        let registry = try context.registry(arguments)
        let rules = try RuleSet.load(directory: rulesDirectory(arguments, context))
        let directory = context.storeDirectory(arguments)
        let opened = try context.openStore(arguments, access: .readOnly)
        let zone = opened.zone
        let city = arguments.value("--city")
        if let city, registry.city(named: city) == nil {
            throw QueryError.unknownCity(city, suggestions: registry.citySuggestions(for: city))
        }
        let filter = SubjectFilter(cities: city.map { [$0] } ?? [])

        func print(_ events: [AlertEvent]) {
            let report = AlertReport(events: events, zone: zone, language: language)
            switch format {
            case .json: console.out(report.json())
            case .ndjson: console.out(report.ndjson())
            default: console.out(report.table())
            }
        }

        if arguments.has("--replay") {
            guard let from = try arguments.date("--from"), let to = try arguments.date("--to") else {
                throw UsageError.missing("haze alert --replay needs --from DATE and --to DATE (from ≤ to)")
            }
            guard from <= to else {
                throw UsageError.conflict("haze alert --replay: --from \(from) is after --to \(to)")
            }
            do {
                try RequestedRange.check(days: Day(from) ... Day(to), hourly: true, store: opened)
            } catch {
                throw UsageError.conflict("haze alert --replay \(arguments.shown(["--from", "--to"])): \(error)")
            }
            let replay = AlertReplay(storeDirectory: directory, registry: registry, rules: rules, filter: filter)
            let form: AlertReplayOutput.Form = arguments.has("--summary") ? .summary
                : format == .json ? .json : format == .ndjson ? .ndjson : .table
            var output = AlertReplayOutput(form: form, zone: zone, language: language, ruleIDs: rules.rules.map(\.id),
                                           subjects: form == .table ? replay.subjects : [])
            // Each report is written as the replay makes it, in blocks of about 64 KiB.
            var pending = ""
            let written = Result { () throws(AlertRunError) in
                try replay.run(from: from, to: to) { event in
                    output.add(event, to: &pending)
                    if pending.utf8.count >= 1 << 16 {
                        console.out(pending)
                        pending = ""
                    }
                }
            }
            console.out(pending)
            _ = try usage { () throws(AlertRunError) in try written.get() }
            output.finish { console.out($0) }
            return .success
        }

        var options = AlertRun.Options(filter: filter, dryRun: arguments.has("--dry-run"),
                                       deliverOnly: arguments.has("--deliver-only"),
                                       lockTimeout: arguments.value("--wait").flatMap(Double.init))
        options.at = try hour(arguments, "--at", zone)
        options.now = try hour(arguments, "--now", zone)
        options.deliveryWait = Double(try arguments.integer("--delivery-wait") ?? 60)
        if options.at != nil, options.now != nil {
            throw UsageError.conflict("haze alert: give --at (evaluate as of an hour) or --now (the current time), not both")
        }
        let delivery = try receivers(arguments, context, rules: rules, registry: registry, zone: zone, language: language)
        options.receivers = delivery.receivers
        options.routing = delivery.routing
        let run = AlertRun(storeDirectory: directory, registry: registry, rules: rules)
        let result = try usage { () throws(AlertRunError) in try run.perform(options, log: { console.note(Redaction.redact(text: $0)) }) }
        if result.upgradedFrom != nil {
            console.note("note: alert state upgraded from format \(result.upgradedFrom ?? 1) to \(AlertState.formatVersion) (a cursor per subject)")
        }
        if result.recovered > 0 {
            console.note("note: appended \(result.recovered) report(s) of an interrupted earlier run to the log")
        }
        if !options.deliverOnly { print(result.events) }
        for note in result.notes { console.note("note: \(note)") }
        // Every run while a feed is stopped says so, even with nothing new to report.
        let feeds = result.stoppedFeeds.sorted { ($0.subject == AlertSubject.nationalKey ? 0 : 1, $0.subject) < ($1.subject == AlertSubject.nationalKey ? 0 : 1, $1.subject) }
        for feed in feeds.prefix(5) {
            console.note("note: data stopped arriving for \(feed.subject): newest data \(feed.lastData), \(feed.silentHours) hour(s) before \(zone.format(result.now)) (\(feed.rule))")
        }
        if feeds.count > 5 {
            console.note("note: … and for \(feeds.count - 5) more subject(s) (their open \(Set(feeds.map(\.rule)).sorted().joined(separator: ", ")) episodes are in the alert state)")
        }
        if result.silenced > 0 || result.quiet > 0 {
            console.note("note: \(result.silenced) report(s) held back by silences, \(result.quiet) from some receivers by quiet hours (logged, marked; see haze alert log)")
        }
        for delivery in result.deliveries where delivery.kept > 0 {
            let why = [delivery.error, delivery.reason].compactMap { $0 }.joined(separator: "; ")
            console.note("\(delivery.receiver): \(why); \(delivery.kept) report(s) kept for the next run")
        }
        switch result.highestSeverity {
        case .critical?: return .critical
        case .warning?: return .warning
        default: return .success
        }
    }

    /// The receivers of the routes file and `--webhook`, and the routing with
    /// the silences of the rules directory and of the store.
    static func receivers(_ arguments: ParsedArguments, _ context: CommandContext, rules: RuleSet, registry: StationRegistry,
                          zone: LocalZone, language: Language) throws -> (receivers: [any AlertReceiver], routing: AlertRouting) {
        let rulesDirectory = try rulesDirectory(arguments, context)
        var routesFile = arguments.value("--routes").map { context.absolute($0) }
        let shipped = (rulesDirectory as NSString).appendingPathComponent(AlertRoutes.fileName)
        if routesFile == nil, FileManager.default.fileExists(atPath: shipped) { routesFile = shipped }
        let routes = try routesFile.map { file throws(ConfigurationError) in try AlertRoutes.load(file: file, rules: rules, registry: registry) }
        var receivers = try routes?.makeReceivers(environment: context.environment) ?? []
        let vocabulary = ReportMatch.Vocabulary(rules: rules, registry: registry, zones: routes?.zones ?? ZoneTable())
        var silences = try SilenceBook.loadFile((rulesDirectory as NSString).appendingPathComponent(SilenceBook.fileName),
                                                vocabulary: vocabulary, zone: zone)
        do {
            silences += try SilenceBook(storeDirectory: context.storeDirectory(arguments)).silences(zone: zone)
        } catch {
            throw AlertRunError.damaged(error)
        }
        if let text = arguments.value("--webhook") {
            guard let url = URL(string: text), let scheme = url.scheme, scheme == "http" || scheme == "https" else {
                throw UsageError.invalidValue(option: "--webhook", value: Redaction.redact(text: text), expected: "an http(s) URL")
            }
            guard !receivers.contains(where: { $0.id == Webhook.receiverID }) else {
                throw UsageError.conflict("haze alert --webhook: the routes file already has a receiver called '\(Webhook.receiverID)'; rename it or leave out --webhook")
            }
            let deadline = Double(try arguments.integer("--webhook-deadline") ?? 20)
            receivers.append(Webhook(url: url, format: try arguments.choice("--webhook-format", default: Webhook.Format.json),
                                     language: language,
                                     policy: HTTPClient.Policy(deadline: deadline, attemptTimeout: min(8, deadline), attempts: 4, backoff: 0.5)))
        }
        return (receivers, routes?.routing(silences: silences) ?? AlertRouting(silences: silences))
    }

    /// An hour option in the store's zone.
    static func hour(_ arguments: ParsedArguments, _ name: String, _ zone: LocalZone) throws(UsageError) -> Hour? {
        guard let text = arguments.value(name) else { return nil }
        guard case .success(let hour) = ISOHour.parse(text, defaultZone: zone) else {
            throw .invalidValue(option: name, value: text, expected: "an hour like 2019-01-12T08:00+08:00")
        }
        return hour
    }

    /// Runs a library call, turning its usage errors into the CLI's (exit 64).
    static func usage<T>(_ body: () throws(AlertRunError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            if error.isUsage { throw UsageError.conflict(error.description) }
            if case .store(let storeError) = error { throw storeError }
            if case .emptyStore = error { throw QueryError.noData(error.description) }
            throw error
        }
    }

    /// `--rules`, else `$HAZE_RULES`, else `./alerts`, else the installed rule sets.
    static func rulesDirectory(_ arguments: ParsedArguments, _ context: CommandContext) throws(UsageError) -> String {
        try context.dataDirectory(.alerts, flag: arguments.value("--rules"))
    }
}
