/// Text bound for a terminal, made harmless: a station name or a data cell
/// holding `ESC[31m`, a carriage return or a bidirectional override could
/// otherwise recolour the screen, overwrite a line or reorder what is shown.
///
/// Every control character (C0, DEL, C1) and every bidirectional formatting
/// character is shown as an escape, `\u{1B}`, so it is visible and inert.
public enum TerminalText {
    /// `text` with every control and bidi character escaped (a line break too,
    /// unless `keepingNewlines`).
    public static func sanitized(_ text: String, keepingNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0) && !(keepingNewlines && $0 == "\n") }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if needsEscape(scalar) && !(keepingNewlines && scalar == "\n") {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
            || v == 0x200E || v == 0x200F || v == 0x061C
    }
}
