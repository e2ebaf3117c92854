/// Typed access to the fields of one JSON object in a configuration file,
/// with errors that name the file, the item (`rule 'x'`, `source 'y'`) and
/// the field. Unknown fields are refused with a suggestion, so a typo in a
/// threshold fails when the file loads, not at 3 a.m.
package struct JSONFields {
    package let object: [String: JSONValue]
    package let file: String
    package var item: String?

    package init(_ value: JSONValue, file: String, item: String?, context: String) throws(ConfigurationError) {
        guard let fields = value.objectFields else {
            throw .invalid(file: file, item: item, field: context, reason: "must be a JSON object")
        }
        self.object = Dictionary(fields, uniquingKeysWith: { a, _ in a })
        self.file = file
        self.item = item
    }

    package func fail(_ field: String, _ reason: String) -> ConfigurationError {
        .invalid(file: file, item: item, field: field, reason: reason)
    }

    package func allow(_ names: [String]) throws(ConfigurationError) {
        for key in object.keys.sorted() where !names.contains(key) {
            throw fail(key, "unknown field" + Suggestion.hint(for: key, among: names, limit: 1))
        }
    }

    package func require(_ name: String) throws(ConfigurationError) -> JSONValue {
        guard let value = object[name] else { throw fail(name, "is required") }
        return value
    }

    package func string(_ name: String) throws(ConfigurationError) -> String {
        guard let text = try require(name).stringValue, !text.isEmpty else { throw fail(name, "must be a non-empty string") }
        return text
    }

    package func optionalString(_ name: String) throws(ConfigurationError) -> String? {
        guard let value = object[name] else { return nil }
        guard let text = value.stringValue else { throw fail(name, "must be a string") }
        return text
    }

    package func optionalStrings(_ name: String) throws(ConfigurationError) -> [String]? {
        guard let value = object[name] else { return nil }
        guard let list = value.arrayValue?.compactMap(\.stringValue), list.count == value.arrayValue?.count else {
            throw fail(name, "must be an array of strings")
        }
        return list
    }

    /// A number field in `range` (finite; checked by `ExternalNumber`).
    package func number(_ name: String, _ range: ClosedRange<Double>, default fallback: Double? = nil) throws(ConfigurationError) -> Double {
        guard let value = object[name] else {
            if let fallback { return fallback }
            throw fail(name, "is required")
        }
        switch ExternalNumber.decimal(value, in: range) {
        case .success(let number): return number
        case .failure(let refusal): throw fail(name, refusal.requirement + Self.given(value))
        }
    }

    /// A whole-number field in `range` (checked by `ExternalNumber`, never trapping).
    package func integer(_ name: String, _ range: ClosedRange<Int>, default fallback: Int? = nil) throws(ConfigurationError) -> Int {
        guard let value = object[name] else {
            if let fallback { return fallback }
            throw fail(name, "is required")
        }
        switch ExternalNumber.wholeNumber(value, in: range) {
        case .success(let number): return number
        case .failure(let refusal): throw fail(name, refusal.requirement + Self.given(value))
        }
    }

    /// ` (not 1e+300)` — the refused value, shortened, for a message.
    static func given(_ value: JSONValue) -> String {
        let text = switch value {
        case .decimal(let number, _): ExternalNumber.show(number)
        default: value.serialized()
        }
        return " (not \(text.count > 40 ? String(text.prefix(40)) + "…" : text))"
    }

    package func bool(_ name: String, default fallback: Bool) throws(ConfigurationError) -> Bool {
        guard let value = object[name] else { return fallback }
        guard let flag = value.boolValue else { throw fail(name, "must be true or false") }
        return flag
    }

    package static func show(_ value: Double) -> String { ExternalNumber.show(value) }
}
