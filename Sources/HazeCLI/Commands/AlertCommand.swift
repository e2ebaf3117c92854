import Foundation
import HazeModel
import HazeStore
import HazeNet
import HazeAssessment
import HazeAlerts
import HazeReport

/// `haze alert`: the cron-driven alerter, and its replay over history.
enum AlertCommand {
    static let spec = CommandSpec(
        name: "alert",
        abstract: "Evaluate the campaign alert rules (cron-safe), or replay them over history.",
        options: [
            CommonOptions.store, CommonOptions.stations,
            .value("--rules", "DIR", "Rule files (default $HAZE_RULES or ./alerts)."),
            .value("--city", "NAME", "Only subjects in this city (stations, districts, the city itself)."),
            .value("--at", "TIME", "Evaluate as of this hour (2019-01-12T08:00+08:00) instead of the newest ones; later than the newest data only with --dry-run.",
                   accepts: .hour),
            .value("--format", "FORMAT", "table (default) | json | ndjson."),
            .value("--lang", "LANG", "zh (default) | en."),
            .value("--webhook", "URL", "POST new reports (and earlier undelivered ones) to URL."),
            .value("--webhook-format", "FORMAT", "json (default) | text (chat-robot message)."),
            .value("--webhook-deadline", "SECONDS", "Give up delivering after SECONDS, retries included (default 20).",
                   accepts: .wholeNumber(1...600)),
            .flag("--dry-run", "Evaluate and print; change no state, log or webhook."),
            .flag("--replay", "Run the rules hour by hour over --from … --to and print every report."),
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
        ],
        discussion: """
        Each rule is evaluated for every subject of its scope. An episode per (rule, subject)
        is reported when it opens, again only when it escalates or after its cooldown, and
        once when it closes; missing data never closes one. State and the NDJSON log live
        in <store>/alerts, so running twice for the same hour reports nothing new; a run
        evaluates every hour since the previous one (at most a week), so hourly runs give
        exactly the replay's episodes.
        Exit status: 0 = no open episode (or only info), 1 = a warning is open,
        2 = a critical one is open; 64+ = an error.
        """,
        examples: [
            "haze ingest /data/today/ && haze alert --webhook 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…' --webhook-format text",
            "haze alert --replay --from 2019-01-01 --to 2019-02-28 --summary",
            "haze alert --at 2019-01-12T08:00+08:00 --dry-run --lang en",
        ])

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        let console = context.console
        let format = try arguments.format(allowed: [.table, .json, .ndjson])
        let language: Language = try arguments.choice("--lang", default: .zh)
        let registry = try context.registry(arguments)
        let rules = try RuleSet.load(directory: rulesDirectory(arguments, context))
        let directory = context.storeDirectory(arguments)
        let store = try context.openStore(arguments, access: .readOnly)
        let zone = store.zone
        let city = arguments.value("--city")
        /// Evaluates on a consistent state of the rings (re-run if a writer changed them meanwhile).
        func evaluate(_ hours: (Store) throws -> [Hour], from initial: AlertState) throws -> ([AlertEvent], AlertState) {
            try Store.readConsistently(directory: directory) { store in
                var state = initial
                let events = Alerter(store: store, registry: registry, rules: rules, city: city)
                    .evaluate(hours: try hours(store), state: &state)
                return (events, state)
            }
        }

        func print(_ events: [AlertEvent]) {
            let report = AlertReport(events: events, zone: zone, language: language)
            switch format {
            case .json: console.out(report.json())
            case .ndjson: console.out(report.ndjson())
            default: console.out(report.table())
            }
        }

        if arguments.has("--replay") {
            guard let from = try arguments.date("--from"), let to = try arguments.date("--to"), from <= to else {
                throw UsageError.missing("haze alert --replay needs --from DATE and --to DATE (from ≤ to)")
            }
            do {
                try RequestedRange.check(days: Day(from) ... Day(to), hourly: true, store: store)
            } catch {
                throw UsageError.conflict("haze alert --replay \(arguments.shown(["--from", "--to"])): \(error)")
            }
            let hours = Array(zone.firstHour(of: Day(from)) ..< zone.firstHour(of: Day(to).advanced(by: 1)))
            let (events, _) = try evaluate({ _ in hours }, from: AlertState())
            if arguments.has("--summary") {
                console.out(AlertReport(events: events, zone: zone, language: language).summary())
            } else {
                print(events)
            }
            return .success
        }

        let dryRun = arguments.has("--dry-run")
        let at = try arguments.hour("--at", zone: zone)
        if let at, !dryRun, let newest = store.newestHour, at > newest {
            // One typo (2091 for 2019) would move the evaluation cursor past every later cron run.
            throw UsageError.conflict("haze alert: --at \(zone.format(at)) is after the newest hour in the store (\(zone.format(newest))); evaluating a future hour would silence every later run — use --dry-run to look ahead")
        }
        let journal = AlertJournal(store: store)
        let lock = try journal.lock(timeout: try arguments.waitSeconds())
        defer { withExtendedLifetime(lock) {} }
        var state = try journal.loadState()
        if !dryRun { try journal.flushPending(&state) }
        let lastEvaluated = state.lastEvaluated
        let events: [AlertEvent]
        (events, state) = try evaluate({ store in
            if let at { return [at] }
            guard let newest = store.newestHour else { throw QueryError.noData("the store is empty; ingest data first") }
            return Alerter.pendingHours(newest: newest, lastEvaluated: lastEvaluated)
        }, from: state)
        print(events)
        if dryRun { return exitStatus(state, rules) }

        let lines = events.map { $0.json(zone).serialized() }
        var webhook: Webhook?
        if let text = arguments.value("--webhook") {
            guard let url = URL(string: text), let scheme = url.scheme, scheme == "http" || scheme == "https" else {
                throw UsageError.invalidValue(option: "--webhook", value: Redaction.redact(text: text), expected: "an http(s) URL")
            }
            let deadline = Double(try arguments.integer("--webhook-deadline") ?? 20)
            webhook = Webhook(url: url, format: try arguments.choice("--webhook-format", default: Webhook.Format.json),
                              language: language,
                              policy: HTTPClient.Policy(deadline: deadline, attemptTimeout: min(8, deadline), attempts: 4, backoff: 0.5))
        }
        // Commit point: the new state with its reports pending, then the log.
        state.pending = lines
        // Only a run with reports has a log position to come back to; a run
        // without any must leave the state as a repeat of the last one left it.
        state.logSize = lines.isEmpty ? nil : journal.logSize()
        if webhook != nil { state.outbox += lines }
        try journal.save(state)
        try journal.flushPending(&state)
        if let webhook, !state.outbox.isEmpty {
            switch webhook.deliver(state.outbox, log: { console.note("webhook: \($0)") }) {
            case .success:
                state.outbox = []
                try journal.save(state)
            case .failure(let error):
                console.note("webhook: \(error); \(state.outbox.count) report(s) kept for the next run")
            }
        }
        return exitStatus(state, rules)
    }

    static func exitStatus(_ state: AlertState, _ rules: RuleSet) -> ExitCode {
        switch state.highestSeverity(rules) {
        case .critical?: return .critical
        case .warning?: return .warning
        default: return .success
        }
    }

    /// `--rules`, else `$HAZE_RULES`, else `./alerts`, else the installed rule sets.
    static func rulesDirectory(_ arguments: ParsedArguments, _ context: CommandContext) throws(UsageError) -> String {
        try context.dataDirectory(.alerts, flag: arguments.value("--rules"))
    }
}
