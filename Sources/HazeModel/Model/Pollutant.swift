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

    /// Accepts the spellings found in real files and APIs: `PM2.5`, `pm2.5`,
    /// `pm25`, `PM2_5`, `PM 2.5`, `PM2,5` (decimal comma), `PM₂.₅` (subscript
    /// digits), `ＰＭ２．５` (full-width forms), `PM10`, `pm10`, `PM10.0`.
    /// Anything else is not one of haze's pollutants: `PM1.0` (PM1), `PM2.5_24h`
    /// (a 24-hour mean), `AQI`, `SO2` … give nil.
    public init?(name: some StringProtocol) {
        switch name {
        case "PM2.5", "pm2.5", "pm25": self = .pm25; return
        case "PM10", "pm10": self = .pm10; return
        default: break
        }
        guard name.utf8.count <= 64 else { return nil }
        // Fold case and the compatibility forms first (full-width, sub/superscript digits).
        var folded = ""
        for scalar in name.unicodeScalars {
            let v = scalar.value
            var mapped = scalar
            if (0xFF01...0xFF5E).contains(v), let ascii = Unicode.Scalar(v - 0xFEE0) { mapped = ascii }
            else if (0x2080...0x2089).contains(v), let digit = Unicode.Scalar(v - 0x2080 + 0x30) { mapped = digit }
            else if v == 0x2070 { mapped = "0" }
            else if v == 0x00B9 { mapped = "1" }
            else if v == 0x00B2 { mapped = "2" }
            else if v == 0x00B3 { mapped = "3" }
            else if (0x2074...0x2079).contains(v), let digit = Unicode.Scalar(v - 0x2074 + 0x34) { mapped = digit }
            else if v == 0x208D || v == 0x207D || v == 0x3000 { mapped = " " }
            if mapped == " " || mapped == "-" { continue }
            folded.unicodeScalars.append(contentsOf: String(mapped).lowercased().unicodeScalars)
        }
        guard folded.hasPrefix("pm") else { return nil }
        // The size: `2.5`, `25`, `2_5`, `2,5`, `10`, `10.0`.
        var size = Substring(folded.dropFirst(2))
        while let first = size.first, first == "_" || first == "." { size = size.dropFirst() }
        let number = String(size.map { $0 == "_" || $0 == "," ? "." : $0 })
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
        let whole = String(parts[0])
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        let trimmedFraction = String(fraction.reversed().drop(while: { $0 == "0" }).reversed())
        if whole == "2" && parts.count == 2 && trimmedFraction == "5" { self = .pm25 }
        else if whole == "25" && parts.count == 1 { self = .pm25 }
        else if whole == "10" && trimmedFraction.isEmpty { self = .pm10 }
        else { return nil }
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
