import HazeModel

/// Hours of the local day when a receiver gets only the reports it must:
/// `"quiet_hours": {"from": "22:00", "to": "07:00", "except": ["critical"]}`
/// keeps a duty officer's night free of warnings while critical reports still
/// go out. Local time is the store's zone; the hour that counts is the run's
/// "now" (when the message would arrive), whole hours, `to` excluded. A
/// report held back this way is not sent later: it stays in the log, marked
/// `"quiet": ["receiver"]`, and in `haze alert log`.
public struct QuietHours: Sendable, Equatable {
    /// Hours of the day, 0…23; `from` > `to` wraps midnight.
    public var from: Int
    /// The last quiet hour (0…23, inclusive).
    public var to: Int
    /// Severities that are sent even in quiet hours.
    var except: Set<Severity>

    /// Quiet from hour `from` to hour `to` of the local day (inclusive; wraps midnight when `from` > `to`); `except` severities are sent anyway.
    public init(from: Int, to: Int, except: Set<Severity> = [.critical]) {
        self.from = from
        self.to = to
        self.except = except
    }

    /// True when a report of `severity` is held back at `now`.
    public func holds(_ severity: Severity, at now: Hour, zone: LocalZone) -> Bool {
        guard !except.contains(severity) else { return false }
        let hour = zone.hourOfDay(now)
        return from < to ? (from <= hour && hour < to) : (hour >= from || hour < to)
    }

    /// Parses the object; the hours are `HH:00` (whole hours, as alert runs are hourly).
    static func parse(_ value: JSONValue, fields: JSONFields, name: String) throws(ConfigurationError) -> QuietHours {
        guard let entries = value.objectFields else { throw fields.fail(name, "must be {\"from\": \"22:00\", \"to\": \"07:00\"}") }
        let map = Dictionary(entries, uniquingKeysWith: { a, _ in a })
        for key in map.keys.sorted() where !["from", "to", "except"].contains(key) {
            throw fields.fail("\(name).\(key)", "unknown field" + Suggestion.hint(for: key, among: ["from", "to", "except"], limit: 1))
        }
        func hour(_ key: String) throws(ConfigurationError) -> Int {
            guard let text = map[key]?.stringValue else { throw fields.fail("\(name).\(key)", "is required, a whole hour like \"22:00\"") }
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[1] == "00", parts[0].count == 2, let value = Int(parts[0]), (0...23).contains(value) else {
                throw fields.fail("\(name).\(key)", "'\(text)' is not a whole hour 00:00…23:00 (alert runs are hourly)")
            }
            return value
        }
        let from = try hour("from"), to = try hour("to")
        guard from != to else { throw fields.fail(name, "from and to are equal: quiet hours would be all day or none") }
        var except: Set<Severity> = [.critical]
        if let list = map["except"] {
            guard let items = list.arrayValue else { throw fields.fail("\(name).except", "must be an array of severities") }
            except = []
            for item in items {
                guard let text = item.stringValue, let severity = Severity(rawValue: text) else {
                    throw fields.fail("\(name).except", "must list severities (info, warning, critical)")
                }
                except.insert(severity)
            }
        }
        return QuietHours(from: from, to: to, except: except)
    }
}
