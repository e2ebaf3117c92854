import HazeModel

/// Typed option values, read through the form each option declares in its
/// `CommandSpec` (`OptionForm`), so the range lives in one place and was
/// already checked when the line was parsed.
extension ParsedArguments {
    /// The checked value of a declared option, nil when it was not given.
    func checked(_ name: String, zone: LocalZone = .utc) throws(UsageError) -> OptionValue? {
        guard let text = value(name) else { return nil }
        guard let form = forms[name] else {
            // A command reading an option its spec gives no form: a bug, refused rather than guessed.
            throw .invalidValue(option: name, value: text, expected: "a value (haze declares no form for \(name); please report)")
        }
        return try form.read(text, option: name, zone: zone)
    }

    /// A whole-number option.
    func integer(_ name: String) throws(UsageError) -> Int? {
        switch try checked(name) {
        case .whole(let n)?, .year(let n)?: return n
        case nil: return nil
        default: throw mismatch(name)
        }
    }

    /// A decimal option (`--wait 2.5`).
    func decimal(_ name: String) throws(UsageError) -> Double? {
        switch try checked(name) {
        case .decimal(let n)?: return n
        case .whole(let n)?: return Double(n)
        case nil: return nil
        default: throw mismatch(name)
        }
    }

    /// A date option (`YYYY-MM-DD` or `YYYYMMDD`).
    func date(_ name: String) throws(UsageError) -> CivilDate? {
        switch try checked(name) {
        case .date(let date)?: return date
        case nil: return nil
        default: throw mismatch(name)
        }
    }

    /// A month option (`YYYY-MM`).
    func month(_ name: String) throws(UsageError) -> Month? {
        switch try checked(name) {
        case .month(let month)?: return month
        case nil: return nil
        default: throw mismatch(name)
        }
    }

    /// A year option (`YYYY`).
    func year(_ name: String) throws(UsageError) -> Int? {
        switch try checked(name) {
        case .year(let year)?: return year
        case nil: return nil
        default: throw mismatch(name)
        }
    }

    /// An hour option (`2019-01-12T08:00+08:00`; a time without offset is in `zone`).
    func hour(_ name: String, zone: LocalZone) throws(UsageError) -> Hour? {
        switch try checked(name, zone: zone) {
        case .hour(let hour)?: return hour
        case nil: return nil
        default: throw mismatch(name)
        }
    }

    /// `--wait SECONDS`.
    func waitSeconds() throws(UsageError) -> Double? { try decimal("--wait") }

    private func mismatch(_ name: String) -> UsageError {
        .invalidValue(option: name, value: value(name) ?? "", expected: forms[name]?.expected ?? "a value")
    }

    /// `--pollutant pm2.5,pm10,so2,no2,co,o3` or `all` (default: PM2.5 and PM10);
    /// `allowed` limits the pollutants a command takes.
    func pollutants(_ name: String = "--pollutant", allowed: [Pollutant] = Pollutant.allCases) throws(UsageError) -> [Pollutant] {
        guard let text = value(name) else { return Pollutant.particulates }
        let expected = allowed == Pollutant.allCases
            ? "pm2.5, pm10, so2, no2, co, o3 (comma-separated) or all"
            : allowed.map(\.key).joined(separator: " or ")
        if text.lowercased() == "all" {
            guard allowed == Pollutant.allCases else { throw .invalidValue(option: name, value: text, expected: expected) }
            return Pollutant.allCases
        }
        var result: [Pollutant] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let p = Pollutant(name: part), allowed.contains(p) else {
                throw .invalidValue(option: name, value: String(part), expected: expected)
            }
            if !result.contains(p) { result.append(p) }
        }
        return result
    }

    /// Options as the user gave them, for messages: `--from 0001-01 --to 9999-12`.
    func shown(_ names: [String]) -> String {
        names.compactMap { name in value(name).map { "\(name) \(UsageError.shortened($0))" } }.joined(separator: " ")
    }
}
