/// A pollutant haze stores and assesses: the six of GB 3095 Table 1's
/// basic items (PM2.5, PM10, SO2, NO2, CO, O3).
///
/// The raw value is the code written into the store's series table, so it
/// must never change for an existing case.
///
/// Every pollutant is stored as a whole number in its *stored unit*: µg/m³
/// for PM2.5, PM10, SO2, NO2 and O3, and **tenths of mg/m³** for CO (CNEMC
/// publishes CO with one decimal, so 1.2 mg/m³ is stored as 12, exactly). The
/// stored range is 0…`maximumConcentration` (10000) for all of them: up to
/// 10000 µg/m³, CO up to 1000.0 mg/m³.
public enum Pollutant: UInt8, CaseIterable, Sendable, Hashable, Comparable, Codable {
    case pm25 = 1
    case pm10 = 2
    case so2 = 3
    case no2 = 4
    case co = 5
    case o3 = 6

    /// PM2.5 and PM10, what haze ranked before it kept the gases.
    public static let particulates: [Pollutant] = [.pm25, .pm10]

    /// The name used in CNEMC files, reports and the CLI (`PM2.5`, `PM10`, `SO2` …).
    public var displayName: String {
        switch self {
        case .pm25: "PM2.5"
        case .pm10: "PM10"
        case .so2: "SO2"
        case .no2: "NO2"
        case .co: "CO"
        case .o3: "O3"
        }
    }

    /// The lower-case name used on the command line and in JSON (`pm2.5`, `pm10`, `so2` …).
    public var key: String {
        switch self {
        case .pm25: "pm2.5"
        case .pm10: "pm10"
        case .so2: "so2"
        case .no2: "no2"
        case .co: "co"
        case .o3: "o3"
        }
    }

    /// Decimals of the published concentration (GB/T 8170, HJ 633-2026 §4.2.2):
    /// CO one decimal (mg/m³), the others whole µg/m³. Also the decimals of
    /// the stored unit: a stored value is the published value × 10^decimals.
    public var decimals: Int { self == .co ? 1 : 0 }

    /// Stored units per display unit: 10 for CO (tenths of mg/m³), else 1.
    var storedScale: Int { self == .co ? 10 : 1 }

    /// The display unit: `mg/m³` for CO, `µg/m³` for the others.
    public var unit: String { self == .co ? "mg/m³" : "µg/m³" }

    /// A value in the stored unit, in the display unit (CO 12 → 1.2).
    @inline(__always) package func displayValue(_ stored: Double) -> Double {
        self == .co ? stored / 10 : stored
    }

    /// A stored-unit value rounded once (GB/T 8170) and written in the
    /// display unit with the published decimals (`52`, CO `1.2`), plus
    /// `extra` more decimals when asked for.
    public func format(_ stored: Double, extraDecimals extra: Int = 0) -> String {
        GBT8170.format(displayValue(stored), decimals: decimals + max(0, extra))
    }

    /// Accepts the spellings found in real files and APIs: `PM2.5`, `pm2.5`,
    /// `pm25`, `PM2_5`, `PM 2.5`, `PM2,5` (decimal comma), `PM₂.₅` (subscript
    /// digits), `ＰＭ２．５` (full-width forms), `PM10`, `pm10`, `PM10.0`, and
    /// `SO2`, `NO2`, `CO`, `O3` in any case, with subscript or full-width
    /// digits (`SO₂`, `Ｏ３`). Anything else is not one of haze's pollutants:
    /// `PM1.0` (PM1), `PM2.5_24h`, `SO2_24h`, `O3_8h` (statistics CNEMC
    /// derives, not hourly readings), `AQI`, `NOx` … give nil.
    public init?(name: some StringProtocol) {
        switch name {
        case "PM2.5", "pm2.5", "pm25": self = .pm25; return
        case "PM10", "pm10": self = .pm10; return
        case "SO2", "so2": self = .so2; return
        case "NO2", "no2": self = .no2; return
        case "CO", "co": self = .co; return
        case "O3", "o3": self = .o3; return
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
        switch folded {
        case "so2": self = .so2; return
        case "no2": self = .no2; return
        case "co": self = .co; return
        case "o3": self = .o3; return
        default: break
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
                in: container, debugDescription: "unknown pollutant '\(text)' (expected pm2.5, pm10, so2, no2, co or o3)")
        }
        self = pollutant
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(key)
    }
}

extension Pollutant {
    /// The largest value accepted, in the stored unit (µg/m³: sandstorms pass
    /// 8000; CO: 1000.0 mg/m³).
    package static let maximumConcentration = 10_000

    /// The other particulate fraction of the same station (PM2.5 ↔ PM10),
    /// for the PM2.5 > PM10 check; nil for gases.
    package var particulateCounterpart: Pollutant? {
        switch self {
        case .pm25: .pm10
        case .pm10: .pm25
        case .so2, .no2, .co, .o3: nil
        }
    }
}
