import HazeModel

/// The description of one command: its options, help text and examples.
/// Parsing and `--help` both come from it, so they cannot drift apart.
package struct CommandSpec: Sendable {
    package struct Option: Sendable {
        /// `--store`; an optional short alias such as `-s`.
        package var name: String
        package var short: String?
        /// Placeholder for the value (`DIR`); nil for a flag.
        package var valueName: String?
        package var help: String
        /// What a number, date, month, year or hour option accepts; checked at parse time.
        package var form: OptionForm?

        package static func value(_ name: String, _ valueName: String, _ help: String, short: String? = nil) -> Option {
            Option(name: name, short: short, valueName: valueName, help: help, form: nil)
        }

        /// A value option whose value must have `form` (a range, a calendar date …).
        package static func value(_ name: String, _ valueName: String, _ help: String, accepts form: OptionForm,
                                 short: String? = nil) -> Option {
            Option(name: name, short: short, valueName: valueName, help: help, form: form)
        }

        package static func flag(_ name: String, _ help: String, short: String? = nil) -> Option {
            Option(name: name, short: short, valueName: nil, help: help, form: nil)
        }
    }

    package var name: String
    package var abstract: String
    /// Positional arguments as shown in the usage line, e.g. `PATH…`.
    package var positionals: String?
    package var options: [Option]
    /// Combinations of options that are refused: conflicting, or meaningless
    /// because one would be silently ignored.
    package var rules: [OptionRule]
    package var discussion: String
    package var examples: [String]

    package init(name: String, abstract: String, positionals: String? = nil, options: [Option],
                rules: [OptionRule] = [], discussion: String = "", examples: [String] = []) {
        self.name = name
        self.abstract = abstract
        self.positionals = positionals
        self.options = options + [.flag("--help", "Show this help.", short: "-h")]
        self.rules = rules
        self.discussion = discussion
        self.examples = examples
    }

    /// The text of `haze <command> --help`.
    package var help: String {
        var text = "haze \(name) — \(abstract)\n\nUSAGE: haze \(name)"
        if options.count > 1 { text += " [options]" }
        if let positionals { text += " \(positionals)" }
        text += "\n\nOPTIONS:\n"
        let labels = options.map { option -> String in
            var label = option.short.map { "\($0), " } ?? "    "
            label += option.name
            if let valueName = option.valueName { label += " \(valueName)" }
            return label
        }
        let width = min(34, (labels.map(\.count).max() ?? 0) + 2)
        for (label, option) in zip(labels, options) {
            let padded = label.count >= width ? label + "\n" + String(repeating: " ", count: width + 2)
                                               : label + String(repeating: " ", count: width - label.count)
            text += "  \(padded)\(option.help)" + (option.form.map { " " + $0.helpNote } ?? "") + "\n"
        }
        if !rules.isEmpty {
            text += "\nNOT TOGETHER (refused, exit 64):\n"
            for rule in rules { text += "  \(rule.summary)\n" }
        }
        if !discussion.isEmpty { text += "\n" + discussion + "\n" }
        if !examples.isEmpty {
            text += "\nEXAMPLES:\n"
            for example in examples { text += "  \(example)\n" }
        }
        return text
    }

    /// Parses `arguments` (without the command name).
    package func parse(_ arguments: [String]) throws(UsageError) -> ParsedArguments {
        var parsed = ParsedArguments()
        for option in options { if let form = option.form { parsed.forms[option.name] = form } }
        var i = 0
        var onlyPositionals = false
        while i < arguments.count {
            let argument = arguments[i]
            i += 1
            if onlyPositionals || !argument.hasPrefix("-") || argument == "-" {
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" { onlyPositionals = true; continue }
            var name = argument
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            guard let option = options.first(where: { $0.name == name || $0.short == name }) else {
                throw .unknownOption(command: self.name, option: name, suggestion: suggestion(for: name))
            }
            if option.valueName == nil {
                guard inlineValue == nil else { throw .unexpectedValue(command: self.name, option: option.name) }
                parsed.flags.insert(option.name)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard i < arguments.count else { throw .missingValue(command: self.name, option: option.name, valueName: option.valueName ?? "") }
                value = arguments[i]
                i += 1
            }
            if let form = option.form { _ = try form.read(value, option: option.name) }
            if let earlier = parsed.values[option.name]?.first {
                // The last one would win silently: refuse instead.
                throw .repeated(command: self.name, option: option.name, values: [earlier, value])
            }
            parsed.values[option.name, default: []].append(value)
        }
        if positionals == nil, let first = parsed.positionals.first {
            throw .unexpectedArgument(command: self.name, argument: first)
        }
        if !parsed.has("--help") {
            for rule in rules { try rule.check(parsed, command: self.name) }
        }
        return parsed
    }

    private func suggestion(for name: String) -> String? {
        Suggestion.closest(to: name, among: options.map(\.name), limit: 1).first
    }
}

/// A command line after parsing: option values, flags and positionals.
package struct ParsedArguments: Sendable {
    package var values: [String: [String]] = [:]
    package var flags: Set<String> = []
    package var positionals: [String] = []
    /// The declared form of each value option (see `OptionForm`).
    package var forms: [String: OptionForm] = [:]

    package func value(_ name: String) -> String? { values[name]?.last }
    package func has(_ flag: String) -> Bool { flags.contains(flag) }

    /// The option's value checked against a list of allowed words.
    package func choice<T: RawRepresentable>(_ name: String, default fallback: T) throws(UsageError) -> T where T.RawValue == String {
        guard let text = value(name) else { return fallback }
        guard let choice = T(rawValue: text.lowercased()) else {
            throw .invalidValue(option: name, value: text, expected: "")
        }
        return choice
    }
}

/// A command line that cannot be run as written.
package enum UsageError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownCommand(String, suggestion: String?)
    case unknownOption(command: String, option: String, suggestion: String?)
    case missingValue(command: String, option: String, valueName: String)
    case unexpectedValue(command: String, option: String)
    case unexpectedArgument(command: String, argument: String)
    case invalidValue(option: String, value: String, expected: String)
    /// A value of the wrong kind or out of range: what is wrong with it, and what the option accepts.
    case refusedValue(option: String, value: String, problem: String, accepted: String)
    case repeated(command: String, option: String, values: [String])
    case missing(String)
    case conflict(String)

    package var description: String {
        switch self {
        case .unknownCommand(let name, let suggestion):
            return "unknown command '\(name)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "") + " (see `haze --help`)"
        case .unknownOption(let command, let option, let suggestion):
            return "haze \(command): unknown option '\(option)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "")
        case .missingValue(let command, let option, let valueName):
            return "haze \(command): \(option) needs a value (\(valueName))"
        case .unexpectedValue(let command, let option):
            return "haze \(command): \(option) is a flag and takes no value"
        case .unexpectedArgument(let command, let argument):
            return "haze \(command): unexpected argument '\(argument)'"
        case .invalidValue(let option, let value, let expected):
            return "\(option): '\(Self.shortened(value))' is not valid" + (expected.isEmpty ? "" : "; expected \(expected)")
        case .refusedValue(let option, let value, let problem, let accepted):
            return "\(option): '\(Self.shortened(value))' is \(problem); \(option) accepts \(accepted)"
        case .repeated(let command, let option, let values):
            let shown = values.map { "'\(Self.shortened($0))'" }.joined(separator: ", ")
            return "haze \(command): \(option) is given more than once (\(shown)); give it once"
        case .missing(let what):
            return what
        case .conflict(let what):
            return what
        }
    }

    /// A value as echoed in a message: a 100 000-digit number is cut short.
    static func shortened(_ value: String) -> String {
        value.count > 60 ? String(value.prefix(60)) + "…(\(value.count) characters)" : value
    }
}
