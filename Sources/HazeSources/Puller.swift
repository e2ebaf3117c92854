import Foundation
import Synchronization
import HazeModel
import HazeRegistry
import HazeStore
import HazeIngest
import HazeNet

/// What pulling one source did.
public struct PullReport: Sendable {
    /// The source's id.
    public var source: String
    /// Payloads fetched (files or pages).
    public var fetched = 0
    /// Day files complete (all 24 hours), or settled as final.
    public var complete: [CivilDate] = []
    /// Day files stored but incomplete: fetched again next run.
    public var incomplete: [(date: CivilDate, hours: Int)] = []
    /// Not published yet (404).
    var notPublished: [String] = []
    /// Requests that failed after their retries: fetched again next run.
    public var failed: [String] = []
    /// What ingesting the payloads stored, rejected and quarantined.
    public var summary = IngestSummary()
    /// Things worth knowing that are not failures, redacted.
    public var notes: [String] = []
    /// Where the source's cursor stands after the pull, in words.
    public var cursor: String = ""

    package init(source: String) { self.source = source }

    /// The line printed for the source.
    public var line: String {
        var text = "pull \(source): \(fetched) fetched"
        if !complete.isEmpty { text += ", \(complete.count) complete" }
        if !incomplete.isEmpty {
            text += ", \(incomplete.count) incomplete (" + incomplete.map { "\($0.date) \($0.hours)/24 h" }.joined(separator: ", ") + ")"
        }
        if !notPublished.isEmpty { text += ", \(notPublished.count) not published yet" }
        if !failed.isEmpty { text += ", \(failed.count) failed (retried next run)" }
        text += "; stored \(summary.stored), unchanged \(summary.unchanged), corrected \(summary.corrected), quarantined \(summary.quarantined)"
        if !cursor.isEmpty { text += "; \(cursor)" }
        return text
    }
}

/// `haze pull`: fetches what each source is missing, through the same
/// ingest path as `haze ingest`, keeps every payload in the raw archive, and
/// moves the cursor only past what was stored.
struct Puller {
    let store: Store
    let registry: StationRegistry
    let environment: [String: String]
    /// Progress lines (a terminal's stderr), if wanted.
    var progress: (@Sendable (String) -> Void)?
    /// Messages about failed attempts.
    var log: @Sendable (String) -> Void
    /// How far one pulled payload may move the hourly window (`--advance-window` lifts the limit).
    var windowPolicy: WindowPolicy = .standard

    init(store: Store, registry: StationRegistry, environment: [String: String],
                progress: (@Sendable (String) -> Void)? = nil, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store
        self.registry = registry
        self.environment = environment
        self.progress = progress
        self.log = log
    }

    /// Pulls one source from `since` (default: its cursor, else its start) to `until` (default: now).
    func pull(_ source: PullSource, since: CivilDate?, until: CivilDate?) throws -> PullReport {
        var headers: [String: String] = ["User-Agent": "haze/\(HazeVersion.current)"]
        for (name, text) in source.headers.sorted(by: { $0.key < $1.key }) {
            let template: EnvironmentTemplate
            switch EnvironmentTemplate.parse(text) {
            case .success(let parsed): template = parsed
            case .failure(let problem):
                throw PullError.configuration(.invalid(file: "haze.json", item: "source '\(source.id)'", field: "headers.\(name)", reason: problem.reason))
            }
            // Only what the source declares: a header cannot read the rest of the environment.
            for variable in template.variables where !source.environment.contains(variable) {
                throw PullError.undeclaredEnvironment(source: source.id, header: name, variable: variable)
            }
            switch template.expand(environment) {
            case .success(let value): headers[name] = value
            case .failure(.unset(let variable)):
                throw PullError.missingEnvironment(source: source.id, header: name, variable: variable)
            case .failure(.unsafe(let variable)):
                throw PullError.unsafeEnvironment(source: source.id, header: name, variable: variable)
            }
        }
        let client = HTTPClient(policy: .init(deadline: source.deadline, attemptTimeout: min(30, source.deadline)))
        switch source.step {
        case .day: return try pullDays(source, since: since, until: until, headers: headers, client: client)
        case .hour: return try pullHours(source, since: since, until: until, headers: headers, client: client)
        }
    }

    // MARK: Day files

    func pullDays(_ source: PullSource, since: CivilDate?, until: CivilDate?, headers: [String: String],
                  client: HTTPClient) throws -> PullReport {
        var report = PullReport(source: source.id)
        var cursor = try PullCursor.load(store: store, source: source.id)
        // Day files are named by the local date of their data: CNEMC's is Beijing time.
        let sourceZone = source.format == .cnemcWide ? LocalZone.beijing : store.zone
        let today = sourceZone.day(of: Hour.now).date
        guard let start = since ?? cursor.completeThrough.flatMap(CivilDate.init(parsing:)).map({ Day($0).advanced(by: 1).date })
                ?? source.start else { throw PullError.noStart(source: source.id) }
        let origin = source.start ?? start
        let last = min(until ?? today, today)
        let days = start <= last ? (Day(start) ... Day(last)).map(\.date).filter { !cursor.isDone($0) } : []
        let ingester = Ingester(store: store, registry: registry,
                                options: IngestOptions(format: source.format, windowPolicy: windowPolicy,
                                                       maximumPayloadBytes: source.maximumPayloadBytes))
        let archive = RawArchive(store: store)
        var position = 0
        while position < days.count {
            let batch = Array(days[position ..< min(position + source.concurrency, days.count)])
            position += batch.count
            // Fetch a batch concurrently (bounded per host), store in day order.
            let results = fetch(batch.map { URLTemplate.expand(source.url, URLTemplate.dayValues($0)) }, headers: headers, client: client)
            for (date, result) in zip(batch, results) {
                // The URL's file name, for messages (redacted: a token in the path never shows).
                let redacted = Redaction.redact(url: URLTemplate.expand(source.url, URLTemplate.dayValues(date)))
                let path = redacted.split(separator: "?").first.map(String.init) ?? redacted
                let name = (path as NSString).lastPathComponent.isEmpty ? date.description : (path as NSString).lastPathComponent
                progress?("[pull \(source.id)] \(report.fetched + report.failed.count + report.notPublished.count + 1)/\(days.count) \(name)")
                switch result {
                case .failure(.status(_, 404)):
                    report.notPublished.append(date.description)
                case .failure(let error):
                    report.failed.append(date.description)
                    report.notes.append("\(date): \(error)")
                case .success(let response):
                    report.fetched += 1
                    let bytes = [UInt8](response.body)
                    let decompressed: [UInt8]
                    switch Self.decompress(bytes, limit: source.maximumPayloadBytes) {
                    case .success(let content): decompressed = content
                    case .failure(let problem):
                        report.failed.append(date.description)
                        report.notes.append("\(date): \(problem); not stored, fetched again next run")
                        continue
                    }
                    guard !decompressed.isEmpty else {
                        report.failed.append(date.description)
                        report.notes.append("\(date): the payload is empty; not stored, fetched again next run")
                        continue
                    }
                    // Identity from what it is (the source's day), not from the URL's file name.
                    let prepared = Ingester.prepare(bytes: decompressed, name: "\(source.id)/\(name)",
                                                    identity: "pull:\(source.id):\(date)", options: ingester.options,
                                                    registry: registry, zone: store.zone, into: nil)
                    // In raw/ before the store changes: what a power loss takes from the rings, raw/ still has.
                    if prepared.report.failure == nil {
                        try archive.store(.day(source: source.id, date: date, format: source.format, name: name),
                                          bytes: decompressed, original: Gzip.isGzip(bytes) ? bytes : nil)
                    }
                    let sourceReport = try ingester.finish(prepared)
                    if let failure = sourceReport.failure {
                        report.failed.append(date.description)
                        report.notes.append(failure)
                        continue
                    }
                    report.summary.add(sourceReport)
                    report.notes += sourceReport.notes
                    let hours = source.format == .cnemcWide ? sourceReport.hoursPerDate[date] ?? 0 : 24
                    let hash = StableHash.hex(decompressed)
                    let settled = Day(date).distance(to: Day(today)) >= source.settleDays
                        && cursor.incomplete[date.description]?.hash == hash
                    if hours >= 24 || settled {
                        cursor.markDone(date, start: origin)
                        report.complete.append(date)
                        if hours < 24 { report.notes.append("\(date): \(hours)/24 hours and unchanged since the last fetch; accepted as final") }
                    } else {
                        cursor.incomplete[date.description] = .init(hash: hash, hours: hours)
                        report.incomplete.append((date, hours))
                    }
                }
            }
            // The cursor moves past days only once the rings hold them on disk.
            try store.makeDurable()
            try cursor.save(store: store, source: source.id)
        }
        report.cursor = "complete through \(cursor.completeThrough ?? "—")"
        return report
    }

    // MARK: Hour ranges (OpenAQ)

    func pullHours(_ source: PullSource, since: CivilDate?, until: CivilDate?, headers: [String: String],
                   client: HTTPClient) throws -> PullReport {
        var report = PullReport(source: source.id)
        var cursor = try PullCursor.load(store: store, source: source.id)
        let now = Hour.now
        let end = until.map { LocalZone.utc.firstHour(of: Day($0).advanced(by: 1)).advanced(by: -1) } ?? now
        let ingester = Ingester(store: store, registry: registry, options: IngestOptions(windowPolicy: windowPolicy))
        let archive = RawArchive(store: store)
        for (sensor, station) in source.sensors.sorted(by: { $0.key < $1.key }) {
            let stored = cursor.sensors[sensor].flatMap { text -> Hour? in
                if case .success(let h) = ISOHour.parse(text, defaultZone: LocalZone.utc) { return h }
                return nil
            }
            guard let first = since.map({ LocalZone.utc.firstHour(of: Day($0)) }) ?? stored?.advanced(by: 1)
                    ?? source.start.map({ LocalZone.utc.firstHour(of: Day($0)) }) else {
                throw PullError.noStart(source: source.id)
            }
            var windowStart = first
            sensorLoop: while windowStart <= end {
                let windowEnd = min(windowStart.advanced(by: source.windowHours - 1), end)
                var page = 1
                var newest: Hour?
                while true {
                    let url = URLTemplate.expand(source.url, ["sensor": sensor, "from": URLTemplate.utc(windowStart),
                                                              "to": URLTemplate.utc(windowEnd.advanced(by: 1)), "page": String(page)])
                    progress?("[pull \(source.id)] sensor \(sensor) \(URLTemplate.utc(windowStart)) page \(page)")
                    let response: HTTPResponse
                    switch fetch([url], headers: headers, client: client)[0] {
                    case .success(let answer): response = answer
                    case .failure(let error):
                        report.failed.append("sensor \(sensor) from \(URLTemplate.utc(windowStart)) page \(page)")
                        report.notes.append("sensor \(sensor) from \(URLTemplate.utc(windowStart)) page \(page): \(error)")
                        break sensorLoop
                    }
                    report.fetched += 1
                    let received = [UInt8](response.body)
                    let bytes: [UInt8]
                    switch Self.decompress(received, limit: source.maximumPayloadBytes) {
                    case .success(let content): bytes = content
                    case .failure(let problem):
                        report.failed.append("sensor \(sensor) page \(page): \(problem)")
                        break sensorLoop
                    }
                    let context = ParseContext(source: "\(source.id)/\(sensor)", zone: store.zone, latestHour: now.advanced(by: 1),
                                               registry: registry, unknownStations: .quarantine)
                    let parsed = OpenAQParser(station: station).parse(bytes, context: context)
                    if parsed.batch.rejections.first?.field == "body" || parsed.batch.rejections.first?.field == "results" {
                        report.failed.append("sensor \(sensor) page \(page): \(parsed.batch.rejections[0].reason)")
                        break sensorLoop
                    }
                    let stamp = URLTemplate.utc(windowStart).replacingOccurrences(of: ":", with: "")
                    try archive.store(.hours(source: source.id, sensor: sensor, station: station, window: windowStart, page: page,
                                             name: "\(sensor)_\(stamp)_p\(page).json"),
                                      bytes: bytes, original: Gzip.isGzip(received) ? received : nil)
                    let sourceReport = try ingester.commit(parsed.batch, report: SourceReport(source: "\(source.id)/\(sensor)/\(stamp)/p\(page)"))
                    report.summary.add(sourceReport)
                    if let last = parsed.batch.readings.map(\.hour).max() { newest = max(newest ?? Hour(Int(last)), Hour(Int(last))) }
                    if let limit = parsed.limit, parsed.results >= limit, parsed.results > 0 { page += 1 } else { break }
                }
                // A settled window is done to its end; the newest one only as far as values came.
                let settled = windowEnd.distance(to: now) >= 6
                let through = settled ? windowEnd : (newest ?? windowStart.advanced(by: -1))
                if through >= (stored ?? first.advanced(by: -1)) { cursor.sensors[sensor] = URLTemplate.utc(through) }
                try store.makeDurable()
                try cursor.save(store: store, source: source.id)
                if !settled { break }
                windowStart = windowEnd.advanced(by: 1)
            }
        }
        report.cursor = "sensors through " + cursor.sensors.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        return report
    }

    /// A body as received, decompressed when it is gzip (bounded by `limit`).
    static func decompress(_ bytes: [UInt8], limit: Int) -> Result<[UInt8], Gzip.Failure> {
        guard Gzip.isGzip(bytes) else {
            return bytes.count <= limit ? .success(bytes) : .failure(.tooLarge(limit: limit))
        }
        do { return .success(try Gzip.decompress(bytes, limit: limit)) } catch { return .failure(error) }
    }

    // MARK: Fetching

    /// Fetches URLs concurrently (as many as given), results in the same order.
    func fetch(_ urls: [String], headers: [String: String], client: HTTPClient) -> [Result<HTTPResponse, HTTPError>] {
        let results = ResultSlots(count: urls.count)
        let log = self.log
        DispatchQueue.concurrentPerform(iterations: urls.count) { i in
            guard let url = URL(string: urls[i]) else {
                results.set(i, .failure(.connection(url: urls[i], reason: "not a valid URL")))
                return
            }
            results.set(i, client.send(HTTPRequest(url: url, headers: headers), log: log))
        }
        return results.values
    }
}

/// Results written from concurrent fetches.
private final class ResultSlots: Sendable {
    private let slots: Mutex<[Result<HTTPResponse, HTTPError>?]>

    init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }

    func set(_ i: Int, _ value: Result<HTTPResponse, HTTPError>) { slots.withLock { $0[i] = value } }

    var values: [Result<HTTPResponse, HTTPError>] {
        slots.withLock { $0.map { $0 ?? .failure(.connection(url: "", reason: "not fetched")) } }
    }
}
