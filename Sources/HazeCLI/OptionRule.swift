/// A rule between a command's options, declared in its `CommandSpec` and
/// checked when the command line is parsed, so that a combination in which
/// one option would be silently ignored, or two contradict each other, is
/// refused as a usage error (exit 64) instead of giving a misleading result.
///
/// An option is named as in `--month`; `--format=csv` names an option given
/// with that value (compared case-insensitively).
package struct OptionRule: Sendable {
    package enum Kind: Sendable {
        /// At most one of these may be given.
        case exclusive([String])
        /// The option means something only together with one of `partners`.
        case requires(String, partners: [String])
        /// These options given together mean something only with one of `partners`.
        case together([String], partners: [String])
    }

    package var kind: Kind
    /// Why, in a few words: shown after the refusal and in `--help`.
    package var reason: String

    /// At most one of `options` may be given.
    package static func exclusive(_ options: String..., because reason: String) -> OptionRule {
        OptionRule(kind: .exclusive(options), reason: reason)
    }

    /// `option` only together with one of `partners`.
    package static func requires(_ option: String, _ partners: String..., because reason: String) -> OptionRule {
        OptionRule(kind: .requires(option, partners: partners), reason: reason)
    }

    /// `options` given together only with one of `partners`.
    package static func together(_ options: [String], need partners: String..., because reason: String) -> OptionRule {
        OptionRule(kind: .together(options, partners: partners), reason: reason)
    }

    /// Every option the rule names (for the spec's own consistency test).
    package var optionNames: [String] {
        let references: [String]
        switch kind {
        case .exclusive(let options): references = options
        case .requires(let option, let partners): references = [option] + partners
        case .together(let options, let partners): references = options + partners
        }
        return references.map { Self.split($0).name }
    }

    /// One line of `--help`.
    package var summary: String {
        switch kind {
        case .exclusive(let options):
            let shown = options.map(Self.show)
            let which = shown.count == 2 ? "\(shown[0]) with \(shown[1])" : "two of " + shown.joined(separator: ", ")
            return "\(which) — \(reason)"
        case .requires(let option, let partners): return "\(Self.show(option)) without \(Self.list(partners.map(Self.show), "or")) — \(reason)"
        case .together(let options, let partners):
            return "\(Self.list(options.map(Self.show), "with")) without \(Self.list(partners.map(Self.show), "or")) — \(reason)"
        }
    }

    func check(_ arguments: ParsedArguments, command: String) throws(UsageError) {
        switch kind {
        case .exclusive(let options):
            let given = options.filter { Self.isGiven($0, in: arguments) }
            guard given.count > 1 else { return }
            throw .conflict("haze \(command): \(Self.list(given.map(Self.show), "and")) cannot be used together: \(reason)")
        case .requires(let option, let partners):
            guard Self.isGiven(option, in: arguments), !partners.contains(where: { Self.isGiven($0, in: arguments) }) else { return }
            throw .conflict("haze \(command): \(Self.show(option)) needs \(Self.list(partners.map(Self.show), "or")): \(reason)")
        case .together(let options, let partners):
            guard options.allSatisfy({ Self.isGiven($0, in: arguments) }), !partners.contains(where: { Self.isGiven($0, in: arguments) }) else { return }
            throw .conflict("haze \(command): \(Self.list(options.map(Self.show), "with")) needs \(Self.list(partners.map(Self.show), "or")): \(reason)")
        }
    }

    static func split(_ reference: String) -> (name: String, value: String?) {
        guard let equals = reference.firstIndex(of: "=") else { return (reference, nil) }
        return (String(reference[..<equals]), String(reference[reference.index(after: equals)...]))
    }

    static func isGiven(_ reference: String, in arguments: ParsedArguments) -> Bool {
        let (name, value) = split(reference)
        guard let value else { return arguments.has(name) || arguments.value(name) != nil }
        return arguments.value(name)?.lowercased() == value.lowercased()
    }

    /// `--format csv` for `--format=csv`.
    static func show(_ reference: String) -> String {
        let (name, value) = split(reference)
        return value.map { "\(name) \($0)" } ?? name
    }

    static func list(_ items: [String], _ conjunction: String) -> String {
        guard items.count > 1, let last = items.last else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " \(conjunction) " + last
    }
}
