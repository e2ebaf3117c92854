/// A value from a configuration file with `${NAME}` references to environment
/// variables, so secrets stay out of the file: a pull source's header in
/// `haze.json`, an alert receiver's URL or signing secret in
/// `alerts/routes.json`.
///
/// Only variables the file lists in its `"environment"` array may be
/// referenced: a configuration cannot read `${HOME}`, `${AWS_SECRET_ACCESS_KEY}`
/// or anything else it does not declare. `${` must be closed by `}` around a
/// name of letters, digits and `_` (not starting with a digit); `$${` writes a
/// literal `${`. Values (written or from the environment) may not hold CR, LF
/// or NUL, which would split the HTTP header.
package struct EnvironmentTemplate: Sendable, Equatable {
    package enum Part: Sendable, Equatable {
        case text(String)
        case variable(String)
    }

    package var parts: [Part]

    /// The variables referenced, in order.
    package var variables: [String] {
        parts.compactMap { if case .variable(let name) = $0 { name } else { nil } }
    }

    /// Parses a header value; the error is the reason, for a configuration message.
    package static func parse(_ text: String) -> Result<EnvironmentTemplate, TemplateProblem> {
        var parts: [Part] = []
        var literal = ""
        var rest = Substring(text)
        while !rest.isEmpty {
            if rest.hasPrefix("$${") {
                literal += "${"
                rest = rest.dropFirst(3)
                continue
            }
            if rest.hasPrefix("${") {
                let body = rest.dropFirst(2)
                guard let close = body.firstIndex(of: "}") else {
                    return .failure(TemplateProblem("'${' is not closed by '}' (write $${ for a literal ${)"))
                }
                let name = String(body[..<close])
                guard isVariableName(name) else {
                    return .failure(TemplateProblem("'${\(name)}' is not a variable name (letters, digits and _, not starting with a digit)"))
                }
                if !literal.isEmpty { parts.append(.text(literal)); literal = "" }
                parts.append(.variable(name))
                rest = body[body.index(after: close)...]
                continue
            }
            let ch = rest.removeFirst()
            if ch == "\r" || ch == "\n" || ch == "\0" || ch == "\r\n" {
                return .failure(TemplateProblem("a header value may not contain CR, LF or NUL"))
            }
            literal.append(ch)
        }
        if !literal.isEmpty { parts.append(.text(literal)) }
        return .success(EnvironmentTemplate(parts: parts))
    }

    /// The value with the environment's values filled in, or the first
    /// variable that is unset or holds CR, LF or NUL.
    package func expand(_ environment: [String: String]) -> Result<String, ExpansionProblem> {
        var out = ""
        for part in parts {
            switch part {
            case .text(let text): out += text
            case .variable(let name):
                guard let value = environment[name] else { return .failure(.unset(name)) }
                guard !value.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" || $0 == "\r\n" }) else {
                    return .failure(.unsafe(name))
                }
                out += value
            }
        }
        return .success(out)
    }

    package enum ExpansionProblem: Error, Equatable {
        case unset(String)
        case unsafe(String)
    }

    package struct TemplateProblem: Error, Equatable {
        package var reason: String
        package init(_ reason: String) { self.reason = reason }
    }

    package static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    /// An HTTP header name: a token (RFC 9110), no separators or controls.
    package static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && scalar.value > 0x20 && scalar.value < 0x7F && !"()<>@,;:\\\"/[]?={}".unicodeScalars.contains(scalar)
        }
    }
}
