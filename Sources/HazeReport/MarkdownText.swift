/// Escaping for text placed in Markdown (a bulletin pasted into a wiki or a
/// chat): a unit name from the registry or a message must read as text, never
/// as a table break, a link, code, or HTML that a renderer would run.
///
/// `&`, `<` and `>` become entities (no tag survives, `<script>` included);
/// the ASCII punctuation Markdown gives meaning to (`\` `` ` `` `*` `_` `[` `]`
/// `|` `~` `#` `!`) is backslash-escaped; line breaks become spaces (a cell
/// stays on its row); other control characters are dropped.
enum MarkdownText {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\\", "`", "*", "_", "[", "]", "|", "~", "#", "!":
                out += "\\"
                out.unicodeScalars.append(scalar)
            case "\n", "\r", "\u{2028}", "\u{2029}":
                out += " "
            default:
                if TerminalText.needsEscape(scalar) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
