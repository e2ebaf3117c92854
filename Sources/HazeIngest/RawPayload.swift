import HazeModel

/// What one payload of the raw archive is: where it came from and how to
/// ingest it again. Its `key` — the payload's identity in the archive — comes
/// from what it is (a source's day, a sensor's page of hours, or the content
/// itself), never from a URL's or a file's base name, so two different
/// payloads never share an archive entry.
public struct RawPayload: Sendable, Equatable {
    /// What kind of payload it is, which decides what its key is made of.
    public enum Kind: String, Sendable, Equatable {
        /// A source's file for one local day (`haze pull`, day sources).
        case day
        /// One page of a sensor's hours from a window start (`haze pull`, OpenAQ).
        case hours
        /// A file or standard input given to `haze ingest --archive`: identified by its content.
        case file
    }

    /// A source's day, a sensor's page of hours, or a file given to `haze ingest --archive`.
    public var kind: Kind
    /// The pull source's id, or `ingest` for `haze ingest --archive`.
    public var source: String
    /// The format it was ingested as (nil: detected from the header).
    public var format: IngestFormat?
    /// OpenAQ pages name no station: the one it was ingested for.
    public var station: String?
    /// Hour payloads: the OpenAQ sensor id the page is of.
    public var sensor: String?
    /// Day payloads: the local date the file covers.
    public var date: CivilDate?
    /// Hour payloads: the first hour (UTC) of the requested window.
    public var window: Hour?
    /// Hour payloads: the page number (1-based) within the window.
    public var page: Int?
    /// The name it was read under (the URL's file, the file's name, `stdin`), for messages.
    public var name: String
    /// How stations missing from the registry were treated.
    public var unknownStations: UnknownStationPolicy = .quarantine
    /// Decompressed size in bytes and FNV-1a hash of the content, set when archived.
    public var size: Int?
    var contentHash: String?

    init(kind: Kind, source: String, name: String) {
        self.kind = kind
        self.source = source
        self.name = name
    }

    /// A day file of a pull source.
    public static func day(source: String, date: CivilDate, format: IngestFormat, name: String) -> RawPayload {
        var payload = RawPayload(kind: .day, source: source, name: name)
        payload.date = date
        payload.format = format
        return payload
    }

    /// A page of an OpenAQ sensor's hours.
    public static func hours(source: String, sensor: String, station: String, window: Hour, page: Int, name: String) -> RawPayload {
        var payload = RawPayload(kind: .hours, source: source, name: name)
        payload.format = .openaqV3
        payload.sensor = sensor
        payload.station = station
        payload.window = window
        payload.page = page
        return payload
    }

    /// A file (or standard input) ingested with `--archive`, with the options it was ingested under.
    public static func file(name: String, options: IngestOptions) -> RawPayload {
        var payload = RawPayload(kind: .file, source: "ingest", name: name)
        payload.format = options.format
        payload.station = options.station
        payload.unknownStations = options.unknownStations
        return payload
    }

    /// The options to ingest it again with.
    var ingestOptions: IngestOptions {
        IngestOptions(format: format, unknownStations: unknownStations, station: station)
    }

    /// The identity in the archive, made of file-name-safe parts separated by `.`:
    /// `day.<source>.<date>`, `hours.<source>.<sensor>.<window>.p<page>`,
    /// `file.<content hash>-<size>`. Nil for a file payload whose content is not known yet.
    var key: String? {
        let parts: [String]
        switch kind {
        case .day:
            guard let date else { return nil }
            parts = ["day", PlainName.escaping(source), date.description]
        case .hours:
            guard let sensor, let window, let page else { return nil }
            parts = ["hours", PlainName.escaping(source), PlainName.escaping(sensor), Self.stamp(window), "p\(page)"]
        case .file:
            guard let contentHash, let size else { return nil }
            parts = ["file", "\(contentHash)-\(size)"]
        }
        let key = parts.joined(separator: ".")
        // A file name has at most 255 bytes: very long ids are replaced by their hash.
        return key.utf8.count <= 200 ? key : "\(kind.rawValue).h\(StableHash.hex(Array(key.utf8)))"
    }

    /// `20231016T00Z`
    static func stamp(_ hour: Hour) -> String {
        let text = hour.description.filter { $0 != "-" }  // 20231016T12:00Z
        return String(text.dropLast(4)) + "Z"
    }

    // MARK: Metadata

    var json: JSONValue {
        var fields: [(String, JSONValue)] = [("kind", .string(kind.rawValue)), ("source", .string(source))]
        if let format { fields.append(("format", .string(format.rawValue))) }
        if let station { fields.append(("station", .string(station))) }
        if let sensor { fields.append(("sensor", .string(sensor))) }
        if let date { fields.append(("date", .string(date.description))) }
        if let window { fields.append(("window", .int(window.index))) }
        if let page { fields.append(("page", .int(page))) }
        fields.append(("name", .string(name)))
        fields.append(("unknown_stations", .string(unknownStations.rawValue)))
        if let size { fields.append(("size", .int(size))) }
        if let contentHash { fields.append(("hash", .string(contentHash))) }
        return .object(fields)
    }

    init?(json: JSONValue) {
        guard let kindText = json["kind"]?.stringValue, let kind = Kind(rawValue: kindText),
              let source = json["source"]?.stringValue, let name = json["name"]?.stringValue else { return nil }
        self.init(kind: kind, source: source, name: name)
        func int(_ key: String) -> Int? { if case .int(let n)? = json[key] { n } else { nil } }
        if let text = json["format"]?.stringValue {
            guard let format = IngestFormat(rawValue: text) else { return nil }
            self.format = format
        }
        station = json["station"]?.stringValue
        sensor = json["sensor"]?.stringValue
        if let text = json["date"]?.stringValue {
            guard let date = CivilDate(parsing: text) else { return nil }
            self.date = date
        }
        window = int("window").map(Hour.init)
        page = int("page")
        if let text = json["unknown_stations"]?.stringValue {
            guard let policy = UnknownStationPolicy(rawValue: text) else { return nil }
            unknownStations = policy
        }
        size = int("size")
        contentHash = json["hash"]?.stringValue
        guard key != nil else { return nil }
    }
}
