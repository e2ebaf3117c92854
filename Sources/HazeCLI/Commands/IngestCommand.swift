import Foundation
import HazeModel
import HazeStore
import HazeIngest
import HazeReport

/// `haze ingest`: reads files, directories or stdin into the store.
enum IngestCommand {
    static let spec = CommandSpec(
        name: "ingest",
        abstract: "Read CNEMC wide CSV or long CSV (files, directories, `-`) into the store.",
        positionals: "PATH…",
        options: [
            CommonOptions.store, CommonOptions.stations,
            .value("--format", "FORMAT", "Force the format: cnemc-wide | long-csv | long-minutes | openaq-v3 | cnemc-hourly (default: detected; long-minutes only when given)."),
            .value("--station", "CODE", "The station of an OpenAQ payload (OpenAQ pages name only a sensor)."),
            .flag("--archive", "Also keep each payload read (stdin too) gzip-compressed under <store>/raw/ (for `haze rebuild`)."),
            .value("--unknown-stations", "POLICY", "Stations missing from the registry: quarantine (default) | store | skip."),
            .value("--max-size", "MIB", "Refuse an input larger than MIB mebibytes, read or decompressed (default 1024).",
                   accepts: .wholeNumber(1...65536)),
            .flag("--advance-window", "Let readings more than a month after the store's newest hour move the hourly window (refused by default: a wrong date must not push history out)."),
            CommonOptions.wait,
            .flag("--quiet", "Print only the summary line.", short: "-q"),
        ],
        rules: [
            .exclusive("--station", "--format=cnemc-wide", because: "CNEMC files name their stations in the header"),
            .exclusive("--station", "--format=long-csv", because: "long CSV rows name their stations"),
            .exclusive("--station", "--format=long-minutes", because: "long CSV rows name their stations"),
        ],
        discussion: """
        A directory is read in file-name order; `-` reads standard input; FIFOs and
        process substitutions are read to their end; gzip files are decompressed (in
        bounded chunks: an input over --max-size is refused, a gzip bomb included).
        CNEMC data are Beijing time whatever zone the store counts days in; hours are
        stored in UTC. Refused rows and cells go to <store>/quarantine/ (one file per
        source) with line, field and reason; the good rows of the same file are stored.
        Minute data (--format long-minutes: the long CSV with a time per minute) are
        made into hourly means where an hour has at least 45 minutes (GB 3095-2012
        Table 4); the minute ending on the hour belongs to that hour (00:01…01:00 make
        01:00); the hours formed and those left missing are counted in a note.
        Rows not stored by design (other pollutants, no value) are counted in the
        summary. Re-ingesting a file changes nothing. Exit status is non-zero only if
        nothing at all could be read, or (65) when the machine lost power or crashed
        during an earlier run: this run's writer then verified what that run had not
        synced and names the hours to ingest again (also in <store>/ingest.log).
        """,
        examples: [
            "haze ingest data/cnemc/",
            "haze ingest --store /var/lib/haze china_sites_20190101.csv china_sites_20190102.csv",
            "zcat readings.csv.gz | haze ingest --format long-csv -",
            "haze ingest --format long-minutes sensors-20260101.csv",
            "haze ingest --archive --store /var/lib/haze /data/cnemc/incoming/",
        ])

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        let console = context.console
        guard !arguments.positionals.isEmpty else { throw UsageError.missing("haze ingest: give at least one PATH (a file, a directory or -)") }
        var options = IngestOptions()
        if let text = arguments.value("--format") {
            guard let format = IngestFormat(rawValue: text.lowercased()) else {
                throw UsageError.invalidValue(option: "--format", value: text, expected: IngestFormat.allCases.map(\.rawValue).joined(separator: "|"))
            }
            options.format = format
        }
        options.unknownStations = try arguments.choice("--unknown-stations", default: UnknownStationPolicy.quarantine)
        options.station = arguments.value("--station")
        if arguments.has("--advance-window") { options.windowPolicy = .advanceAsNeeded }
        if let mebibytes = try arguments.integer("--max-size") { options.maximumPayloadBytes = mebibytes << 20 }
        let registry = try context.registry(arguments)
        let store = try context.openStore(arguments, access: .readWrite, creating: .standard, durability: .endOfRun)
        let quiet = arguments.has("--quiet")
        let paths = arguments.positionals.map { $0 == "-" ? $0 : context.absolute($0) }
        let showProgress = console.errIsTerminal && !quiet
        let run = IngestRun(store: store, registry: registry, options: options, archive: arguments.has("--archive"))
        let report = try run.run(paths, progress: showProgress ? { n, count, name in
            if count > 1 { console.err("\r[\(n)/\(count)] \(TerminalText.sanitized((name as NSString).lastPathComponent))\u{1B}[K") }
        } : nil)
        if showProgress && report.sources.count > 1 { console.err("\r\u{1B}[K") }
        for path in report.missing { console.note("haze ingest: \(IngestError.notFound(path))") }
        if !quiet { for source in report.sources { describe(source, console: console) } }
        for name in report.notArchived { console.note("haze ingest: \(name): not archived (nothing could be ingested from it)") }
        console.print(report.summary.line)
        if let loss = report.powerLoss {
            for line in loss.lines(zone: store.zone) { console.note("haze ingest: POWER LOSS: " + line) }
            return .dataError
        }
        return report.readAnything ? .success : .dataError
    }

    /// Per-source problems on stderr: notes, the first refusals, where the rest are.
    static func describe(_ report: SourceReport, console: Console) {
        if let failure = report.failure {
            console.note("haze ingest: \(failure)")
            return
        }
        for note in report.notes { console.note("note: " + TerminalText.sanitized(note)) }
        for rejection in report.rejections { console.note("refused: " + TerminalText.sanitized(rejection.message)) }
        let more = report.quarantined - report.rejections.count
        if let file = report.quarantineFile, report.quarantined + report.flagged > 0 {
            var line = "  \(report.source): "
            if report.quarantined > 0 { line += "\(report.quarantined) refused" + (more > 0 ? " (\(more) more not shown)" : "") }
            if report.flagged > 0 { line += (report.quarantined > 0 ? ", " : "") + "\(report.flagged) flagged" }
            console.note(line + " — see \(file)")
        }
    }
}
