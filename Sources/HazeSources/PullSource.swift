import Foundation
import HazeModel
import HazeIngest

/// One remote source of `haze pull`, from the configuration file.
public struct PullSource: Sendable, Equatable {
    /// How a source is split into requests.
    public enum Step: String, Sendable {
        /// One file per local day (`{yyyyMMdd}`), e.g. CNEMC `china_sites_YYYYMMDD.csv`.
        case day
        /// Ranges of hours per sensor (`{from}`, `{to}`, `{page}`), e.g. OpenAQ.
        case hour
    }

    public var id: String
    /// URL with placeholders: {yyyyMMdd} {yyyy} {MM} {dd} {date} {from} {to} {sensor} {page}.
    public var url: String
    /// The format of what the source serves (CNEMC wide or hourly CSV, long CSV, OpenAQ v3 JSON).
    public var format: IngestFormat
    /// Whether requests go by day file or by hour range.
    public var step: Step
    /// The first day to fetch when the source has no cursor yet.
    public var start: CivilDate?
    /// Header values may name environment variables, `${OPENAQ_API_KEY}`;
    /// secrets stay in the environment, never in the file. Only variables
    /// listed in `environment` may be named (see `EnvironmentTemplate`).
    public var headers: [String: String]
    /// The environment variables the headers may use (`"environment": ["OPENAQ_API_KEY"]`).
    public var environment: [String]
    /// Requests in flight at once for this source (per host).
    var concurrency: Int
    /// A day file still incomplete this many days later, and unchanged since
    /// the previous fetch, is taken as final (the source has what it has).
    var settleDays: Int
    /// OpenAQ: sensor id → registry station code.
    package var sensors: [String: String]
    /// Hour sources: hours per request window.
    package var windowHours: Int
    /// Deadline of one request, retries included, in seconds.
    public var deadline: Double
    /// The largest payload accepted, decompressed, in bytes (`max_size_mib`).
    public var maximumPayloadBytes: Int = Gzip.defaultLimit
}

/// The pull configuration: `haze.json` in the working directory, or `--config`.
public struct PullConfiguration: Sendable {
    /// The sources, in file order.
    public var sources: [PullSource]

    /// Reads the configuration at `path`. Throws `PullError` when the file is missing or a source is wrong (naming the source and field).
    public static func load(path: String) throws(PullError) -> PullConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else { throw .configurationMissing(path) }
        let json: JSONValue
        do {
            json = try JSONValue.parse([UInt8](data))
        } catch {
            throw .configuration(.malformed(file: path, reason: "\(error)"))
        }
        do {
            return try parse(json, path: path)
        } catch {
            throw .configuration(error)
        }
    }

    static func parse(_ json: JSONValue, path: String) throws(ConfigurationError) -> PullConfiguration {
        let top = try JSONFields(json, file: path, item: nil, context: "top level")
        try top.allow(["sources"])
        guard let list = json["sources"]?.arrayValue, !list.isEmpty else {
            throw top.fail("sources", "give at least one source")
        }
        var sources: [PullSource] = []
        for (i, element) in list.enumerated() {
            var fields = try JSONFields(element, file: path, item: "source #\(i + 1)", context: "sources[\(i)]")
            let id = try fields.string("id")
            if let problem = PlainName.problem(id) {
                throw fields.fail("id", "'\(printable(id))' \(problem); a source id names its cursor and raw files, so it must be a plain name (letters, digits, '-', '_', '.', not starting with a dot)")
            }
            fields.item = "source '\(id)'"
            try fields.allow(["id", "url", "format", "step", "start", "headers", "environment", "concurrency", "settle_days",
                              "sensors", "window_hours", "deadline_seconds", "max_size_mib", "description"])
            let formatText = try fields.string("format")
            guard let format = IngestFormat(rawValue: formatText) else {
                throw fields.fail("format", "'\(formatText)' is not cnemc-wide, long-csv or openaq-v3")
            }
            let stepText = try fields.optionalString("step") ?? (format == .openaqV3 ? "hour" : "day")
            guard let step = PullSource.Step(rawValue: stepText) else { throw fields.fail("step", "must be day or hour") }
            let url = try fields.string("url")
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw fields.fail("url", "must be an http(s) URL") }
            var start: CivilDate?
            if let text = try fields.optionalString("start") {
                switch CivilDate.parse(text) {
                case .success(let date): start = date
                case .failure(.malformed): throw fields.fail("start", "'\(text)' is not a date (YYYY-MM-DD)")
                case .failure(let refusal): throw fields.fail("start", "'\(text)' is \(refusal) (\(SupportedCalendar.description))")
                }
            }
            let environment = try fields.optionalStrings("environment") ?? []
            for name in environment where !EnvironmentTemplate.isVariableName(name) {
                throw fields.fail("environment", "'\(printable(name))' is not an environment variable name (letters, digits and _, not starting with a digit)")
            }
            var headers: [String: String] = [:]
            if let value = fields.object["headers"] {
                guard let entries = value.objectFields else { throw fields.fail("headers", "must map names to values") }
                for (name, text) in entries {
                    guard EnvironmentTemplate.isHeaderName(name) else {
                        throw fields.fail("headers", "'\(printable(name))' is not an HTTP header name")
                    }
                    guard let text = text.stringValue else { throw fields.fail("headers.\(name)", "must be text") }
                    switch EnvironmentTemplate.parse(text) {
                    case .failure(let problem):
                        throw fields.fail("headers.\(name)", problem.reason)
                    case .success(let template):
                        for variable in template.variables where !environment.contains(variable) {
                            throw fields.fail("headers.\(name)", "uses ${\(variable)}, which the source does not list in \"environment\" (add \"environment\": [\"\(variable)\"] to let it read that variable)")
                        }
                    }
                    headers[name] = text
                }
            }
            var sensors: [String: String] = [:]
            if let value = fields.object["sensors"] {
                guard let entries = value.objectFields else { throw fields.fail("sensors", "must map sensor ids to station codes") }
                for (sensor, station) in entries {
                    if let problem = PlainName.problem(sensor) {
                        throw fields.fail("sensors", "sensor key '\(printable(sensor))' \(problem); it names raw files, so it must be a plain name")
                    }
                    guard let code = station.stringValue, !code.isEmpty, code.utf8.count <= SeriesKey.maximumCodeLength,
                          !code.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                        throw fields.fail("sensors.\(sensor)", "must be a station code (1–\(SeriesKey.maximumCodeLength) bytes, no control characters)")
                    }
                    sensors[sensor] = code
                }
            }
            if step == .hour && sensors.isEmpty {
                throw fields.fail("sensors", "an hourly (OpenAQ) source needs a sensors map: sensor id → station code")
            }
            guard !sources.contains(where: { $0.id == id }) else { throw fields.fail("id", "two sources share this id") }
            var source = PullSource(id: id, url: url, format: format, step: step, start: start, headers: headers,
                                    environment: environment,
                                    concurrency: try fields.integer("concurrency", 1...16, default: 4),
                                    settleDays: try fields.integer("settle_days", 0...365, default: 2),
                                    sensors: sensors, windowHours: try fields.integer("window_hours", 1...8760, default: 168),
                                    deadline: try fields.number("deadline_seconds", 1...3600, default: 60))
            source.maximumPayloadBytes = try fields.integer("max_size_mib", 1...65536, default: Gzip.defaultLimit >> 20) << 20
            sources.append(source)
        }
        return PullConfiguration(sources: sources)
    }
}
/// Control characters shown as `\u{…}` in messages.
func printable(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        if scalar.properties.generalCategory == .control {
            out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
        } else {
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}

/// Why `haze pull` could not start or go on.
public enum PullError: Error, Sendable, Equatable, CustomStringConvertible {
    case configurationMissing(String)
    case configuration(ConfigurationError)
    case unknownSource(String, known: [String])
    case missingEnvironment(source: String, header: String, variable: String)
    case unsafeEnvironment(source: String, header: String, variable: String)
    case undeclaredEnvironment(source: String, header: String, variable: String)
    case noStart(source: String)
    /// No request can be made from this machine (libcurl is missing): a setup problem, not one a later run gets past.
    case networkUnavailable(String)

    public var description: String {
        switch self {
        case .configurationMissing(let path):
            return "no pull configuration at \(path) (create haze.json, see README, or pass --config FILE)"
        case .configuration(let error):
            return error.description
        case .unknownSource(let id, let known):
            return "no source '\(id)' in the configuration (sources: \(known.joined(separator: ", ")))"
        case .missingEnvironment(let source, let header, let variable):
            return "source '\(source)': header \(header) needs the environment variable \(variable), which is not set"
        case .unsafeEnvironment(let source, let header, let variable):
            return "source '\(source)': header \(header): the environment variable \(variable) holds a line break or NUL, which would split the HTTP header"
        case .undeclaredEnvironment(let source, let header, let variable):
            return "source '\(source)': header \(header) uses ${\(variable)}, which the source does not list in \"environment\""
        case .noStart(let source):
            return "source '\(source)' has no cursor yet and no start date: pass --since DATE or set \"start\""
        case .networkUnavailable(let why):
            return "nothing pulled: \(why)"
        }
    }
}
