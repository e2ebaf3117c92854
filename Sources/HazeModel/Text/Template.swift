/// A text with `{name}` placeholders, filled from a dictionary: alert
/// messages and source URLs. An unknown placeholder stays as written, so a
/// typo shows in the output instead of vanishing.
package enum Template {
    package static func render(_ template: String, _ values: [String: String]) -> String {
        var out = ""
        var current: String?
        for ch in template {
            if ch == "{" {
                if let pending = current { out += "{" + pending }
                current = ""
            } else if ch == "}", let name = current {
                out += values[name] ?? "{\(name)}"
                current = nil
            } else if current != nil {
                current?.append(ch)
            } else {
                out.append(ch)
            }
        }
        if let current { out += "{" + current }
        return out
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
