import HazeModel

/// Where each page of the static site lives, relative to the site's
/// directory, and the relative links between pages:
///
///     index.html              months, years, units, alerts
///     alerts.html             the city's open alert episodes
///     city.html               the city's own page
///     months/2019-01.html     the monthly ranking
///     years/2019.html         the year (or the year so far)
///     districts/朝阳区.html    a unit of the ranking level
///     stations/1001A.html     a station
///
/// File names come from the registry, so they are checked: a name that is
/// not a plain file name (a `/`, a leading dot, control characters, URL
/// syntax) is replaced by a stable hash, never used as a path.
enum SitePath {
    static let index = "index.html"
    static let alerts = "alerts.html"
    static let city = "city.html"
    static let manifest = ".haze-site.json"
    static let lock = ".haze-site.lock"

    static func month(_ month: Month) -> String { "months/\(month).html" }
    static func year(_ year: Int) -> String { "years/\(year).html" }
    static func district(_ name: String) -> String { "districts/\(fileName(name)).html" }
    static func station(_ code: String) -> String { "stations/\(fileName(code)).html" }

    /// A registry name as a file name, or `u-<hash>` when it is not a plain one.
    static func fileName(_ name: String) -> String {
        let forbidden: Set<Character> = ["/", "\\", "%", "?", "#", "&", "\"", "'", "<", ">", " ", ":", "*", "|", "+"]
        let plain = !name.isEmpty && name.utf8.count <= 120 && !name.hasPrefix(".") && !name.hasPrefix("-")
            && !name.contains(where: { forbidden.contains($0) })
            && !name.unicodeScalars.contains { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format
                || $0.properties.isWhitespace }
        return plain ? name : "u-" + Fingerprint.of(Array(name.utf8))
    }

    /// The link from page `from` to page `to`, both relative to the site's
    /// root, percent-encoded (UTF-8) so any browser and server agree.
    static func link(from: String, to: String) -> String {
        let depth = from.split(separator: "/").count - 1
        return String(repeating: "../", count: depth) + encode(to)
    }

    static func encode(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "A") ... UInt8(ascii: "Z"), UInt8(ascii: "a") ... UInt8(ascii: "z"), UInt8(ascii: "0") ... UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}
