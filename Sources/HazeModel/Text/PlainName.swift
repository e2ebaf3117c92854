/// A name from a configuration file or an input that becomes one component of
/// a file name: a pull source id, an OpenAQ sensor key, a raw payload's key.
///
/// A plain name is 1–64 bytes of letters, digits (any script), `-`, `_` and
/// `.`, not starting with a dot: no `/` or `\`, no `..`, no NUL or other
/// control character, no space, nothing a shell or a path would read as more
/// than one name.
package enum PlainName {
    /// The longest plain name, in UTF-8 bytes (well under every file system's limit).
    static let maximumLength = 64

    /// Why `text` is not a plain name, or nil when it is one.
    package static func problem(_ text: String) -> String? {
        if text.isEmpty { return "is empty" }
        if text.utf8.count > maximumLength { return "is longer than \(maximumLength) bytes" }
        if text.hasPrefix(".") { return "starts with a dot" }
        if text.contains("..") { return "contains '..'" }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "-", "_", ".": continue
            case "/", "\\": return "contains '\(scalar)'"
            default:
                if scalar.value == 0 { return "contains a NUL byte" }
                if scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format {
                    return "contains a control character (U+\(String(scalar.value, radix: 16, uppercase: true)))"
                }
                guard scalar.properties.isAlphabetic || scalar.properties.numericType != nil else {
                    return "contains '\(scalar)' (use letters, digits, '-', '_' and '.')"
                }
            }
        }
        return nil
    }

    /// True when `text` is a plain name.
    static func isPlain(_ text: String) -> Bool { problem(text) == nil }

    /// `text` made into a file-name part that never collides with another
    /// text's: ASCII letters, digits, `-` and `_` are kept, every other byte
    /// becomes `%XX` (so `a.b` and `a%2Eb` stay distinct, and `.` can separate
    /// parts). Empty text becomes `%`.
    package static func escaping(_ text: String) -> String {
        if text.isEmpty { return "%" }
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}
