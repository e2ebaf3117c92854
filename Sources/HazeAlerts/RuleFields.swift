import HazeModel

/// Alert-rule fields: pollutants, hours of day, messages, severities, levels.
extension JSONFields {
    func pollutant(_ name: String) throws(ConfigurationError) -> Pollutant {
        let text = try string(name)
        // Alert conditions are written for the particulates (ratios, PM AQI episodes).
        guard let pollutant = Pollutant(name: text), Pollutant.particulates.contains(pollutant) else {
            throw fail(name, "'\(text)' is not pm2.5 or pm10")
        }
        return pollutant
    }

    func hours(_ name: String, default fallback: [Int]) throws(ConfigurationError) -> [Int] {
        guard let value = object[name] else { return fallback }
        let list = value.arrayValue?.compactMap { try? ExternalNumber.wholeNumber($0, in: 0...23).get() } ?? []
        guard !list.isEmpty, list.count == value.arrayValue?.count else {
            throw fail(name, "must be a non-empty array of hours 0…23")
        }
        return list
    }

    func optionalMessages(_ name: String) throws(ConfigurationError) -> [String: String]? {
        guard let value = object[name] else { return nil }
        guard let fields = value.objectFields else { throw fail(name, "must map languages (zh, en) to text") }
        var map: [String: String] = [:]
        for (key, text) in fields {
            guard key == "zh" || key == "en" else { throw fail("\(name).\(key)", "languages are zh and en") }
            guard let text = text.stringValue else { throw fail("\(name).\(key)", "must be text") }
            map[key] = text
        }
        return map
    }

    func severity(_ value: JSONValue?, field: String) throws(ConfigurationError) -> Severity {
        guard let text = value?.stringValue, let severity = Severity(rawValue: text) else {
            throw fail(field, "must be info, warning or critical")
        }
        return severity
    }

    /// `levels`, or the `threshold` + `severity` shorthand.
    func levels(names: [String]?, needsThreshold: Bool) throws(ConfigurationError) -> [AlertRule.Level] {
        if let value = object["levels"] {
            guard object["threshold"] == nil, object["severity"] == nil else {
                throw fail("levels", "give either levels or threshold and severity, not both")
            }
            guard let list = value.arrayValue, !list.isEmpty else { throw fail("levels", "must be a non-empty array") }
            var levels: [AlertRule.Level] = []
            for (i, element) in list.enumerated() {
                let field = "levels[\(i)]"
                guard let fields = element.objectFields else { throw fail(field, "must be an object") }
                let entry = Dictionary(fields, uniquingKeysWith: { a, _ in a })
                for key in entry.keys.sorted() where !["name", "threshold", "severity"].contains(key) {
                    throw fail("\(field).\(key)", "unknown field")
                }
                let severity = try severity(entry["severity"], field: "\(field).severity")
                var threshold: Double?
                if needsThreshold {
                    guard let value = entry["threshold"],
                          case .success(let number) = ExternalNumber.decimal(value, in: 0...10000) else {
                        throw fail("\(field).threshold", "must be a number in 0…10000 (µg/m³)")
                    }
                    if let previous = levels.last?.threshold, number <= previous {
                        throw fail("\(field).threshold", "levels must rise: \(Self.show(number)) is not above \(Self.show(previous))")
                    }
                    threshold = number
                }
                let name = entry["name"]?.stringValue ?? names.map { $0[min(i, $0.count - 1)] } ?? severity.rawValue
                if let names, !names.contains(name) {
                    throw fail("\(field).name", "'\(name)' is not one of \(names.joined(separator: ", "))")
                }
                levels.append(.init(name: name, threshold: threshold, severity: severity))
            }
            if let names, levels.map(\.name) != Array(names.prefix(levels.count)) {
                throw fail("levels", "episode levels are, in order: \(names.joined(separator: ", "))")
            }
            return levels
        }
        let severity = try severity(object["severity"] ?? .string("warning"), field: "severity")
        if needsThreshold {
            let threshold = try number("threshold", 0...10000)
            return [.init(name: severity.rawValue, threshold: threshold, severity: severity)]
        }
        if let names { return names.map { .init(name: $0, threshold: nil, severity: severity) } }
        return [.init(name: severity.rawValue, threshold: nil, severity: severity)]
    }
}
