/// Text as SpreadsheetML (ECMA-376) needs it.
enum SpreadsheetXML {
    /// Escapes text for element content or an attribute value. Characters
    /// XML 1.0 cannot carry (C0 controls but tab and LF, and CR, which XML
    /// parsers turn into LF) are written as OOXML's `_xHHHH_`; a literal
    /// `_xHHHH_` in the text gets its underscore escaped (`_x005F_`) so a
    /// reader does not decode it.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let scalar = scalars[i]
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "_" where looksEscaped(scalars, at: i): out += "_x005F_"
            default:
                let v = scalar.value
                if (v < 0x20 && v != 0x09 && v != 0x0A) || v == 0xFFFE || v == 0xFFFF {
                    out += "_x" + hex4(v) + "_"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
            i += 1
        }
        return out
    }

    /// True when `_xHHHH_` starts at `index`.
    static func looksEscaped(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        guard index + 6 < scalars.count, scalars[index + 1] == "x", scalars[index + 6] == "_" else { return false }
        return scalars[(index + 2)...(index + 5)].allSatisfy { $0.properties.isASCIIHexDigit }
    }

    static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// True when text needs `xml:space="preserve"` to keep its spaces.
    static func needsPreserve(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        return first == " " || first == "\t" || first == "\n" || last == " " || last == "\t" || last == "\n"
    }

    /// `A`, `Z`, `AA`, … for a zero-based column.
    static func columnName(_ index: Int) -> String {
        var n = index + 1
        var name = ""
        while n > 0 {
            let remainder = (n - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            n = (n - 1) / 26
        }
        return name
    }

    /// A number as `xsd:double` text: shortest round-trip digits, no `.0` on whole numbers.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }

    static let header = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let packageRelationships = "http://schemas.openxmlformats.org/package/2006/relationships"
}
