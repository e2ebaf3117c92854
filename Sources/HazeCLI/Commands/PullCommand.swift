import Foundation
import HazeSources
import HazeReport

/// `haze pull`: fetch what remote sources are missing.
enum PullCommand {
    static let spec = CommandSpec(
        name: "pull",
        abstract: "Fetch what each configured source is missing (HTTP via libcurl), ingest it, archive it.",
        options: [
            .value("--config", "FILE", "Source configuration (default ./haze.json)."),
            .value("--source", "ID", "Pull only this source."),
            .value("--since", "DATE", "Start here instead of at the source's cursor.", accepts: .date),
            .value("--until", "DATE", "Stop after this local date (default: today).", accepts: .date),
            .flag("--advance-window", "Let data more than a month after the store's newest hour move the hourly window (after a long outage)."),
            CommonOptions.store, CommonOptions.stations, CommonOptions.wait,
        ],
        discussion: """
        Each source keeps a cursor in <store>/pull/<id>.json. A day file is done when it
        has all 24 hours; one that ended early is fetched again next run (and accepted as
        final once it stops changing, settle_days after its date). A day not published
        yet (404) is tried again next run; failed requests too. Every payload stored is
        kept gzip-compressed under <store>/raw/, so `haze rebuild` can recreate the rings.
        Requests have a total deadline, retry timeouts, resets and 5xx with backoff
        and jitter, never other 4xx; http_proxy/https_proxy/no_proxy are honoured.
        Exit status: 0 when every request was answered (or not published yet), 75 when
        some failed and will be retried, 65 when the machine lost power or crashed during
        an earlier run (the hours it had not synced are named: ingest them again, or
        `haze rebuild` from raw/), 64+ other errors.
        """,
        examples: [
            "haze pull",
            "haze pull --source cnemc --since 2019-01-01 --until 2019-02-28",
            "OPENAQ_API_KEY=… haze pull --source openaq-zhoukou",
        ])

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        let console = context.console
        let since = try arguments.date("--since")
        let until = try arguments.date("--until")
        if let since, let until, since > until {
            throw UsageError.conflict("haze pull: --since \(since) is after --until \(until)")
        }
        let configuration = try PullConfiguration.load(path: context.absolute(arguments.value("--config") ?? "haze.json"))
        if let id = arguments.value("--source"), !configuration.sources.contains(where: { $0.id == id }) {
            throw PullError.unknownSource(id, known: configuration.sources.map(\.id))
        }
        let registry = try context.registry(arguments)
        let store = try context.openStore(arguments, access: .readWrite, creating: .standard, durability: .endOfRun)
        let showProgress = console.errIsTerminal
        var run = PullRun(configuration: configuration, store: store, registry: registry, environment: context.environment)
        if arguments.has("--advance-window") { run.windowPolicy = .advanceAsNeeded }
        var progress: (@Sendable (String) -> Void)?
        if showProgress { progress = { line in console.err("\r" + TerminalText.sanitized(line) + "\u{1B}[K") } }
        let log: @Sendable (String) -> Void = { line in console.note("pull: " + TerminalText.sanitized(line)) }
        let report = try run.run(source: arguments.value("--source"), since: since, until: until, progress: progress, log: log)
        if showProgress { console.err("\r\u{1B}[K") }
        for source in report.sources {
            for note in source.notes { console.note("note: " + TerminalText.sanitized(note)) }
            console.print(TerminalText.sanitized(source.line))
        }
        if let loss = report.powerLoss {
            for line in loss.lines(zone: store.zone) { console.note("haze pull: POWER LOSS: " + line) }
            try store.acknowledgePowerLoss()
            return .dataError
        }
        return report.anyFailed ? .temporaryFailure : .success
    }
}
