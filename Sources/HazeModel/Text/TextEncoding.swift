/// Byte-level checks of a text file's encoding.
///
/// Station registries and CSV exports from Chinese desktop software are often
/// GBK/GB18030. haze reads UTF-8 only and says so plainly when it meets GBK.
package enum TextEncoding {
    package static func hasUTF8BOM(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
    }

    /// True when `bytes[range]` is well-formed UTF-8.
    package static func isValidUTF8(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let length: Int
            if b >= 0xC2 && b <= 0xDF { length = 2 }
            else if b >= 0xE0 && b <= 0xEF { length = 3 }
            else if b >= 0xF0 && b <= 0xF4 { length = 4 }
            else { return false }
            guard i + length <= end else { return false }
            for k in 1..<length where bytes[i + k] & 0xC0 != 0x80 { return false }
            // Reject overlong 3-byte forms and surrogates, as String would.
            if length == 3 {
                let b1 = bytes[i + 1]
                if b == 0xE0 && b1 < 0xA0 { return false }
                if b == 0xED && b1 >= 0xA0 { return false }
            }
            if length == 4 {
                let b1 = bytes[i + 1]
                if b == 0xF0 && b1 < 0x90 { return false }
                if b == 0xF4 && b1 >= 0x90 { return false }
            }
            i += length
        }
        return true
    }

    /// True when invalid UTF-8 in `bytes[range]` looks like GBK/GB18030:
    /// a lead byte 0x81–0xFE followed by a trail byte 0x40–0xFE (not 0x7F).
    package static func looksLikeGBK(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        var i = range.lowerBound
        var pairs = 0
        while i + 1 < range.upperBound {
            let b = bytes[i]
            if b >= 0x81 && b <= 0xFE {
                let t = bytes[i + 1]
                guard t >= 0x40 && t <= 0xFE && t != 0x7F else { return false }
                pairs += 1
                i += 2
            } else {
                i += 1
            }
        }
        return pairs > 0
    }

    /// What to tell a user whose file is not UTF-8.
    package static func conversionHint(for path: String) -> String {
        "convert it with: iconv -f GB18030 -t UTF-8 '\(path)' > converted.csv"
    }
}
