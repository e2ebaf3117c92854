/// Paths built from configuration or input values, confined to a directory.
///
/// Every place where a value from outside (a source id, a sensor key, a file
/// name) becomes part of a path goes through `join`, which refuses any
/// component that could leave the directory or hide in it (`/`, `..`, a
/// leading dot, NUL or another control character, more than 255 bytes): a
/// hostile `haze.json` cannot write outside the store.
package enum ConfinedPath {
    /// A component that would escape or is not a plain name.
    package struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        package var directory: String
        var component: String
        package var reason: String

        package var description: String {
            "refusing the path component '\(ConfinedPath.printable(component))' under \(directory): it \(reason)"
        }
    }

    /// `directory/c1/c2/…`, each component one name inside its directory.
    package static func join(_ directory: String, _ components: String...) throws(Refusal) -> String {
        try join(directory, components)
    }

    /// `directory/c1/c2/…`, each component one name inside its directory.
    package static func join(_ directory: String, _ components: [String]) throws(Refusal) -> String {
        var path = directory
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        for component in components {
            if let problem = problem(component) {
                throw Refusal(directory: directory, component: component, reason: problem)
            }
            path += (path == "/" ? "" : "/") + component
        }
        return path
    }

    /// Why `component` cannot be one name inside a directory, or nil.
    package static func problem(_ component: String) -> String? {
        if component.isEmpty { return "is empty" }
        if component.utf8.count > 255 { return "is longer than 255 bytes" }
        if component.hasPrefix(".") { return component == ".." || component.hasPrefix("../") ? "is '..'" : "starts with a dot" }
        if component.contains("/") { return "contains '/'" }
        for scalar in component.unicodeScalars {
            if scalar.value == 0 { return "contains a NUL byte" }
            if scalar.properties.generalCategory == .control { return "contains a control character" }
        }
        return nil
    }

    /// Control characters shown as `\u{…}` so a message cannot move the cursor.
    static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control || scalar.value == 0 {
                out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
