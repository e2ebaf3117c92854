/// A text with `{name}` placeholders, filled from a dictionary: alert
/// messages and source URLs. An unknown placeholder stays as written, so a
/// typo shows in the output instead of vanishing.
package enum Template {
    package static func render(_ template: String, _ values: [String: String]) -> String {
        Parsed(template).render(values)
    }

    /// A template read once into its text and its placeholders, for filling
    /// in many times (an alert rule's message, for every report).
    package struct Parsed: Sendable {
        private enum Piece: Sendable {
            case text(String)
            case name(String)
        }

        /// The template as written.
        package let source: String
        private let pieces: [Piece]

        package init(_ template: String) {
            source = template
            var pieces: [Piece] = []
            var text = ""
            var current: String?
            for ch in template {
                if ch == "{" {
                    if let pending = current { text += "{" + pending }
                    current = ""
                } else if ch == "}", let name = current {
                    if !text.isEmpty { pieces.append(.text(text)) }
                    text = ""
                    pieces.append(.name(name))
                    current = nil
                } else if current != nil {
                    current?.append(ch)
                } else {
                    text.append(ch)
                }
            }
            if let current { text += "{" + current }
            if !text.isEmpty { pieces.append(.text(text)) }
            self.pieces = pieces
        }

        /// The text with every `{name}` replaced by its value (an unknown one stays as written).
        package func render(_ values: [String: String]) -> String {
            var out = ""
            for piece in pieces {
                switch piece {
                case .text(let text): out += text
                case .name(let name): out += values[name] ?? "{\(name)}"
                }
            }
            return out
        }
    }

    /// The placeholder names a template uses, in order of appearance.
    package static func placeholders(in template: String) -> [String] {
        var names: [String] = []
        var current: String?
        for ch in template {
            if ch == "{" { current = "" }
            else if ch == "}", let name = current { names.append(name); current = nil }
            else if current != nil { current?.append(ch) }
        }
        return names
    }
}
