import Foundation
import HazeModel
import HazeStore
import HazeIngest

/// `haze ingest`: reads files, directories or stdin into the store.
enum IngestCommand {
    static let spec = CommandSpec(
        name: "ingest",
        abstract: "Read CNEMC wide CSV or long CSV (files, directories, `-`) into the store.",
        positionals: "PATH…",
        options: [
            CommonOptions.store, CommonOptions.stations,
            .value("--format", "FORMAT", "Force the format: cnemc-wide | long-csv | openaq-v3 (default: detected)."),
            .value("--station", "CODE", "The station of an OpenAQ payload (OpenAQ pages name only a sensor)."),
            .flag("--archive", "Also keep each file gzip-compressed under <store>/raw/ingest/ (for `haze rebuild`)."),
            .value("--unknown-stations", "POLICY", "Stations missing from the registry: quarantine (default) | store | skip."),
            CommonOptions.wait,
            .flag("--quiet", "Print only the summary line.", short: "-q"),
        ],
        rules: [
            .exclusive("--station", "--format=cnemc-wide", because: "CNEMC files name their stations in the header"),
            .exclusive("--station", "--format=long-csv", because: "long CSV rows name their stations"),
        ],
        discussion: """
        A directory is read in file-name order; `-` reads standard input; gzip files are
        decompressed. CNEMC data are Beijing time; hours are stored in UTC.
        Refused rows and cells go to <store>/quarantine/<file>.quarantine.csv with line,
        field and reason; the good rows of the same file are stored. Re-ingesting a file
        changes nothing. Exit status is non-zero only if nothing at all could be read.
        """,
        examples: [
            "haze ingest data/cnemc/",
            "haze ingest --store /var/lib/haze china_sites_20190101.csv china_sites_20190102.csv",
            "zcat readings.csv.gz | haze ingest --format long-csv -",
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
        let registry = try context.registry(arguments)
        let store = try context.openStore(arguments, access: .readWrite, creating: .standard)
        let quiet = arguments.has("--quiet")
        let (sources, missing) = IngestSource.expand(arguments.positionals.map { $0 == "-" ? $0 : context.absolute($0) })
        var summary = IngestSummary()
        for path in missing {
            console.note("haze ingest: \(IngestError.notFound(path))")
            summary.sources += 1
            summary.failedSources += 1
        }
        let ingester = Ingester(store: store, registry: registry, options: options)
        let started = Date()
        for (n, source) in sources.enumerated() {
            if console.errIsTerminal && !quiet && sources.count > 1 {
                console.err("\r[\(n + 1)/\(sources.count)] \((source.name as NSString).lastPathComponent)\u{1B}[K")
            }
            let report = try ingester.ingest(source)
            summary.add(report)
            if arguments.has("--archive"), report.failure == nil, case .file(let path) = source,
               let data = FileManager.default.contents(atPath: path) {
                try RawArchive(store: store).store([UInt8](data), at: "ingest/" + (path as NSString).lastPathComponent)
            }
            if console.errIsTerminal && !quiet && sources.count > 1 { console.err("\r\u{1B}[K") }
            if !quiet { describe(report, console: console) }
        }
        console.print(summary.line)
        let seconds = Date().timeIntervalSince(started)
        let log = JSONValue.object([
            ("time", .string(ISO8601DateFormatter().string(from: Date()))),
            ("seconds", .decimal(seconds, places: 3)),
            ("sources", .int(summary.sources)), ("failed", .int(summary.failedSources)),
            ("lines", .int(summary.linesRead)), ("values", .int(summary.valuesRead)),
            ("stored", .int(summary.stored)), ("unchanged", .int(summary.unchanged)),
            ("corrected", .int(summary.corrected)), ("quarantined", .int(summary.quarantined)),
            ("flagged", .int(summary.flagged)),
        ])
        try AtomicFile.appendLine(log.serialized(), to: store.directory + "/ingest.log")
        return summary.readAnything ? .success : .dataError
    }

    /// Per-source problems on stderr: notes, the first refusals, where the rest are.
    static func describe(_ report: SourceReport, console: Console) {
        if let failure = report.failure {
            console.note("haze ingest: \(failure)")
            return
        }
        for note in report.notes { console.note("note: \(note)") }
        for rejection in report.rejections { console.note("refused: \(rejection.message)") }
        let more = report.quarantined - report.rejections.count
        if let file = report.quarantineFile, report.quarantined + report.flagged > 0 {
            var line = "  \(report.source): "
            if report.quarantined > 0 { line += "\(report.quarantined) refused" + (more > 0 ? " (\(more) more not shown)" : "") }
            if report.flagged > 0 { line += (report.quarantined > 0 ? ", " : "") + "\(report.flagged) flagged" }
            console.note(line + " — see \(file)")
        }
    }
}
