/// A particulate pollutant haze stores and ranks.
///
/// The raw value is the code written into the store's series table, so it
/// must never change for an existing case.
public enum Pollutant: UInt8, CaseIterable, Sendable, Hashable, Comparable, Codable {
    case pm25 = 1
    case pm10 = 2

    /// The name used in CNEMC files, reports and the CLI (`PM2.5`, `PM10`).
    public var displayName: String {
        switch self {
        case .pm25: "PM2.5"
        case .pm10: "PM10"
        }
    }

    /// The lower-case name used on the command line and in JSON (`pm2.5`, `pm10`).
    public var key: String {
        switch self {
        case .pm25: "pm2.5"
        case .pm10: "pm10"
        }
    }

    /// Accepts the spellings found in real files and APIs:
    /// `PM2.5`, `pm2.5`, `pm25`, `PM2_5`, `PM10`, `pm10`.
    public init?(name: some StringProtocol) {
        var folded = ""
        for ch in name where ch != "." && ch != "_" && ch != " " && ch != "-" {
            folded.append(contentsOf: ch.lowercased())
        }
        switch folded {
        case "pm25": self = .pm25
        case "pm10": self = .pm10
        default: return nil
        }
    }

    public static func < (lhs: Pollutant, rhs: Pollutant) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let pollutant = Pollutant(name: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "unknown pollutant '\(text)' (expected pm2.5 or pm10)")
        }
        self = pollutant
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(key)
    }
}

extension Pollutant {
    /// The largest concentration accepted, in µg/m³ (sandstorms pass 8000).
    public static let maximumConcentration = 10_000

    /// The other particulate fraction of the same station (PM2.5 ↔ PM10),
    /// for the PM2.5 > PM10 check; nil for gases.
    public var particulateCounterpart: Pollutant? {
        switch self {
        case .pm25: .pm10
        case .pm10: .pm25
        }
    }
}
