/// An estimate of how wide text is drawn, for layout (no font metrics are
/// available without a renderer): a CJK character takes about 1 em, Latin
/// letters and digits about 0.58 em. Estimates err on the wide side so that
/// labels placed apart do not touch.
enum TextMeasure {
    static func width(_ text: String, fontSize: Double) -> Double {
        var ems = 0.0
        for scalar in text.unicodeScalars {
            switch DisplayWidth.width(of: scalar) {
            case 2: ems += 1.0
            case 0: break
            default: ems += scalar.properties.isUppercase ? 0.68 : 0.58
            }
        }
        return ems * fontSize
    }
}

extension TextMeasure {
    /// Breaks text into lines no wider than `width`: between words for Latin
    /// text, between any two characters for Chinese.
    static func wrap(_ text: String, width: Double, fontSize: Double) -> [String] {
        var lines: [String] = []
        var current = ""
        var currentWidth = 0.0
        // Tokens: a run of non-space Latin characters, a single CJK character, or a space.
        var tokens: [String] = []
        var word = ""
        for ch in text {
            let wide = ch.unicodeScalars.first.map { DisplayWidth.width(of: $0) == 2 } ?? false
            if ch == " " || wide {
                if !word.isEmpty { tokens.append(word); word = "" }
                tokens.append(String(ch))
            } else {
                word.append(ch)
            }
        }
        if !word.isEmpty { tokens.append(word) }
        for token in tokens {
            let w = Self.width(token, fontSize: fontSize)
            // Closing punctuation never starts a line (it stays with the character before it).
            let closing = token.count == 1 && "）)」』】〕，。、：；！？%".contains(token)
            if currentWidth + w > width, !closing, !current.trimmingCharacters(in: [" "]).isEmpty {
                lines.append(current.trimmingCharacters(in: [" "]))
                current = token == " " ? "" : token
                currentWidth = token == " " ? 0 : w
            } else {
                current += token
                currentWidth += w
            }
        }
        let rest = current.trimmingCharacters(in: [" "])
        if !rest.isEmpty { lines.append(rest) }
        return lines
    }
}
