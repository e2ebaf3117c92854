/// One stored time series: a station's readings of one pollutant.
public struct SeriesKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Station codes are stored in a fixed 24-byte field.
    package static let maximumCodeLength = 24

    /// The station code (at most 24 bytes, the store's fixed field).
    public let station: String
    /// The pollutant measured.
    public let pollutant: Pollutant

    /// The series of `pollutant` at `station` (a station code, e.g. `1001A`).
    public init(station: String, pollutant: Pollutant) {
        self.station = station
        self.pollutant = pollutant
    }

    public static func < (a: SeriesKey, b: SeriesKey) -> Bool {
        (a.station, a.pollutant) < (b.station, b.pollutant)
    }

    public var description: String { "\(station)/\(pollutant.displayName)" }

    /// Why `code` cannot be a station code, or nil when it can: it is empty,
    /// holds a control character (a NUL would end the code in the store's
    /// field; any other garbles messages and files, and is never part of a
    /// code), or is longer than the store's 24-byte field. Every reader of
    /// station codes and the store itself ask this one question.
    package static func codeProblem(_ code: String) -> String? {
        if code.isEmpty { return "empty station code" }
        if mayHoldControl(code.utf8), let control = code.unicodeScalars.first(where: isControl) {
            return "station code contains a control character (\(controlName(control)))"
        }
        if code.utf8.count > maximumCodeLength { return "station code longer than \(maximumCodeLength) bytes" }
        return nil
    }

    /// Unicode's general category Cc, which the standard fixes for good:
    /// U+0000–U+001F and U+007F–U+009F. Compared as numbers because the
    /// property lookup cost 5 % of an ingest (every row of a long CSV asks).
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F ... 0x9F).contains(scalar.value)
    }

    /// False when no byte of `utf8` can start a control character: below
    /// 0x20, 0x7F, or the lead byte 0xC2 of U+0080–U+009F.
    private static func mayHoldControl(_ utf8: String.UTF8View) -> Bool {
        utf8.contains { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }
    }

    /// A code as a message or a file shows it: control characters as `\u{…}`.
    package static func printable(_ code: String) -> String { ConfinedPath.printable(code) }

    /// `NUL, U+0000`, `tab, U+0009`, `U+001B`.
    private static func controlName(_ scalar: Unicode.Scalar) -> String {
        var hex = String(scalar.value, radix: 16, uppercase: true)
        while hex.count < 4 { hex = "0" + hex }
        let number = "U+" + hex
        let names: [UInt32: String] = [0x00: "NUL", 0x09: "tab", 0x0A: "line feed", 0x0D: "carriage return", 0x7F: "DEL"]
        return names[scalar.value].map { "\($0), \(number)" } ?? number
    }
}
