import Foundation
import HazeNet
import HazeSources

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
        some failed and will be retried, 64+ other errors.
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
        let configPath = context.absolute(arguments.value("--config") ?? "haze.json")
        let configuration = try PullConfiguration.load(path: configPath)
        var sources = configuration.sources
        if let id = arguments.value("--source") {
            sources = sources.filter { $0.id == id }
            guard !sources.isEmpty else { throw PullError.unknownSource(id, known: configuration.sources.map(\.id)) }
        }
        let registry = try context.registry(arguments)
        let store = try context.openStore(arguments, access: .readWrite, creating: .standard)
        let showProgress = console.errIsTerminal
        var progress: (@Sendable (String) -> Void)?
        if showProgress { progress = { line in console.err("\r" + line + "\u{1B}[K") } }
        let log: @Sendable (String) -> Void = { line in console.note("pull: " + Redaction.redact(text: line)) }
        let puller = Puller(store: store, registry: registry, environment: context.environment, progress: progress, log: log)
        var anyFailed = false
        for source in sources {
            let report = try puller.pull(source, since: since, until: until)
            if showProgress { console.err("\r\u{1B}[K") }
            for note in report.notes { console.note("note: \(Redaction.redact(text: note))") }
            console.print(report.line)
            if !report.failed.isEmpty { anyFailed = true }
        }
        return anyFailed ? .temporaryFailure : .success
    }
}
