import HazeModel
import HazeRegistry
import HazeStore
import HazeNet

/// One `haze pull` run, as a library call: every source of the configuration
/// (or the one asked for) pulled in turn by the `Puller`, with every message
/// redacted (`Redaction`) before it leaves.
public struct PullRun {
    /// The sources and where their cursors are kept.
    public let configuration: PullConfiguration
    /// The store the pulled readings are written to.
    public let store: Store
    /// The registry the parsers check station codes against.
    public let registry: StationRegistry
    /// The environment header values may read from (only the variables each source lists).
    public let environment: [String: String]
    /// How far one pulled payload may move the hourly window.
    public var windowPolicy: WindowPolicy = .standard

    /// A pull of `configuration`'s sources into `store`; `environment` supplies the header values sources read from variables.
    public init(configuration: PullConfiguration, store: Store, registry: StationRegistry, environment: [String: String]) {
        self.configuration = configuration
        self.store = store
        self.registry = registry
        self.environment = environment
    }

    /// Pulls `source` (nil: every source) from `since` (default: each cursor)
    /// to `until` (default: today). `progress` hears progress lines; `log`
    /// failed attempts (both redacted).
    public func run(source: String? = nil, since: CivilDate? = nil, until: CivilDate? = nil,
                    progress: (@Sendable (String) -> Void)? = nil,
                    log: @escaping @Sendable (String) -> Void = { _ in }) throws -> PullRunReport {
        var sources = configuration.sources
        if let id = source {
            sources = sources.filter { $0.id == id }
            guard !sources.isEmpty else { throw PullError.unknownSource(id, known: configuration.sources.map(\.id)) }
        }
        var redactedProgress: (@Sendable (String) -> Void)?
        if let progress { redactedProgress = { line in progress(Redaction.redact(text: line)) } }
        var puller = Puller(store: store, registry: registry, environment: environment, progress: redactedProgress,
                            log: { line in log(Redaction.redact(text: line)) })
        puller.windowPolicy = windowPolicy
        // Said once, before any source: no request can be made from this machine.
        if let why = Libcurl.failure { throw PullError.networkUnavailable(why) }
        var report = PullRunReport()
        // One sync per payload written (its journal record); the rings are
        // synced before each cursor moves, and at the end.
        let durability = store.durability
        store.durability = .endOfRun
        defer { store.durability = durability }
        do {
            for source in sources {
                var pulled = try puller.pull(source, since: since, until: until)
                pulled.notes = pulled.notes.map(Redaction.redact(text:))
                pulled.failed = pulled.failed.map(Redaction.redact(text:))
                report.sources.append(pulled)
            }
        } catch {
            // What was written before the error reaches the disk too.
            try? store.makeDurable()
            throw error
        }
        try store.makeDurable()
        // What `haze status` reads in O(1) (once per run, O(window)).
        store.recordStatusSummary()
        report.powerLoss = store.powerLoss
        return report
    }
}

/// What a pull run did, source by source.
public struct PullRunReport: Sendable {
    /// One report per source pulled, in configuration order.
    public var sources: [PullReport] = []
    /// What this run's writer found after a power loss interrupted an earlier
    /// run: the hours to ingest again (the caller reports it, then calls
    /// `Store.acknowledgePowerLoss()`).
    public var powerLoss: PowerLossReport?

    package init() {}

    /// True when some request failed and will be tried again next run.
    public var anyFailed: Bool { sources.contains { !$0.failed.isEmpty } }
}
