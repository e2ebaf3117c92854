import Foundation

/// What made a day exceptional (例外事件, HJ 663-2026).
public enum ExceptionalEventKind: String, Sendable, CaseIterable {
    /// Sand and dust (沙尘: 沙尘暴, 扬沙, 浮尘).
    case sandDust = "sand-dust"
    /// Any other exceptional event the bureau's confirmation names.
    case other

    /// Spellings accepted in the file, lower-cased.
    static let spellings: [String: ExceptionalEventKind] = [
        "sand-dust": .sandDust, "sand_dust": .sandDust, "dust": .sandDust, "沙尘": .sandDust, "沙尘暴": .sandDust,
        "扬沙": .sandDust, "浮尘": .sandDust, "other": .other, "其他": .other, "其它": .other,
    ]

    /// Reads a kind as the exceptional-days file spells it, in English or Chinese (`dust`, `沙尘暴`, `扬沙`, `other`, `其他`, …, case-insensitive); nil for an unknown spelling.
    public init?(spelling: String) {
        guard let kind = Self.spellings[spelling.lowercased()] else { return nil }
        self = kind
    }

    /// `沙尘` / `sand and dust`.
    public var displayName: (zh: String, en: String) {
        switch self {
        case .sandDust: ("沙尘", "sand and dust")
        case .other: ("其他例外事件", "other exceptional event")
        }
    }
}

/// One line of an exceptional-days file: a day, the city it applies to (nil:
/// every city), what happened, and where it was written.
public struct ExceptionalDay: Sendable, Hashable {
    /// The assessment day the event affected.
    public var day: Day
    /// The city as the registry spells it; nil for every city.
    public var city: String?
    /// What happened (a sand-and-dust event is deducted from concentrations; other kinds are listed only).
    public var kind: ExceptionalEventKind
    /// Free text from the file, shown in reports.
    public var note: String
    /// The line of the file it came from.
    public var line: Int

    /// An exceptional day; `line` is the line of the file it came from (0 when built in code).
    public init(day: Day, city: String?, kind: ExceptionalEventKind, note: String = "", line: Int = 0) {
        self.day = day
        self.city = city
        self.kind = kind
        self.note = note
        self.line = line
    }

    /// True when the day applies to units of `city`.
    public func applies(to city: String) -> Bool { self.city == nil || self.city == city }
}

/// The days a bureau has confirmed as exceptional events (例外事件: sand and
/// dust, or another event), read from a CSV file:
///
/// ```
/// date,kind,city,note
/// 2021-03-15,sand-dust,,全国沙尘天气
/// 2021-03-16,沙尘,北京,
/// ```
///
/// `date` (YYYY-MM-DD or YYYYMMDD) and `kind` (`sand-dust` / 沙尘 / 沙尘暴 / 扬沙
/// / 浮尘, or `other` / 其他) are required; `city` (empty: every city) and
/// `note` are optional; the columns may come in any order; UTF-8, with or
/// without a byte-order mark. Anything else — an unknown column, a date that
/// is not a real day of the supported calendar, an unknown kind, a day listed
/// twice for the same city — is refused with the file, line and field.
///
/// Rankings leave these days out of the PM2.5 and PM10 means (and so of the
/// composite), never out of the valid-day counts, exceedance days or 优良天数
/// (CNEMC: 「PM10、PM2.5 浓度、综合质量指数扣除沙尘天气影响；优良天数比例…保留沙尘」).
public struct ExceptionalDays: Sendable, Equatable {
    /// The days, in file order.
    public var entries: [ExceptionalDay]
    /// Where the days were read from, for reports.
    public var source: String

    /// Exceptional days from `entries`; `source` names where they came from, for reports.
    public init(entries: [ExceptionalDay], source: String = "") {
        self.entries = entries
        self.source = source
    }

    static let columns = ["date", "kind", "city", "note"]

    /// Reads a file (see the type's documentation).
    public static func load(path: String) throws(ConfigurationError) -> ExceptionalDays {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(file: path, reason: "no such file")
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(file: path, reason: isDirectory.boolValue ? "it is a directory" : "permission denied")
        }
        return try parse([UInt8](data), file: path)
    }

    /// Parses the bytes of a file; `file` names it in errors.
    public static func parse(_ bytes: [UInt8], file: String) throws(ConfigurationError) -> ExceptionalDays {
        var scanner = CSVScanner(bytes: bytes)
        var fields: [CSVField] = []
        func checkText(_ line: Int) throws(ConfigurationError) {
            guard let first = fields.first, let last = fields.last else { return }
            let range = first.range.lowerBound ..< last.range.upperBound
            guard TextEncoding.isValidUTF8(bytes, range) else {
                let what = TextEncoding.looksLikeGBK(bytes, range) ? "is GBK/GB18030-encoded, not UTF-8" : "is not valid UTF-8"
                throw .invalid(file: file, item: "line \(line)", field: "text",
                               reason: "the file \(what); \(TextEncoding.conversionHint(for: file))")
            }
        }
        guard scanner.nextRecord(into: &fields) else {
            throw .invalid(file: file, item: nil, field: "header", reason: "the file is empty; it needs a header line: date,kind,city,note")
        }
        try checkText(scanner.lineNumber)
        let header = fields.map { scanner.trimmedString($0).lowercased() }
        for (index, name) in header.enumerated() {
            guard columns.contains(name) else {
                throw .invalid(file: file, item: "line 1", field: name.isEmpty ? "column \(index + 1)" : name,
                               reason: "unknown column" + Suggestion.hint(for: name, among: columns, limit: 1)
                                   + "; the columns are date,kind,city,note (date and kind required)")
            }
            guard header.firstIndex(of: name) == index else {
                throw .invalid(file: file, item: "line 1", field: name, reason: "the column is given twice")
            }
        }
        for required in ["date", "kind"] where !header.contains(required) {
            throw .invalid(file: file, item: "line 1", field: required,
                           reason: "the header lacks the column; the columns are date,kind,city,note (date and kind required)")
        }
        var entries: [ExceptionalDay] = []
        var seen: [String: Int] = [:]
        while scanner.nextRecord(into: &fields) {
            let line = scanner.lineNumber
            if fields.count == 1 && fields[0].isEmpty { continue }   // blank line
            try checkText(line)
            guard fields.count == header.count else {
                throw .invalid(file: file, item: "line \(line)", field: "fields",
                               reason: "\(fields.count) field(s), but the header has \(header.count) (\(header.joined(separator: ",")))")
            }
            func text(_ name: String) -> String {
                header.firstIndex(of: name).map { scanner.trimmedString(fields[$0]) } ?? ""
            }
            let dateText = text("date")
            let date: CivilDate
            switch CivilDate.parse(dateText) {
            case .success(let parsed): date = parsed
            case .failure(let refusal):
                let shown = dateText.isEmpty ? "empty" : "'\(dateText.prefix(40))' is \(refusal)"
                throw .invalid(file: file, item: "line \(line)", field: "date",
                               reason: "\(shown); expected a day like 2021-03-15 or 20210315 in \(SupportedCalendar.description)")
            }
            let kindText = text("kind")
            guard let kind = ExceptionalEventKind(spelling: kindText) else {
                throw .invalid(file: file, item: "line \(line)", field: "kind",
                               reason: (kindText.isEmpty ? "empty" : "'\(kindText.prefix(40))' is not a kind")
                                   + "; expected sand-dust (沙尘, 沙尘暴, 扬沙, 浮尘) or other (其他)")
            }
            let cityText = text("city")
            let key = "\(date) \(cityText)"
            if let first = seen[key] {
                throw .invalid(file: file, item: "line \(line)", field: "date",
                               reason: "\(date)\(cityText.isEmpty ? " (every city)" : " for \(cityText)") is already listed on line \(first)")
            }
            seen[key] = line
            entries.append(ExceptionalDay(day: Day(date), city: cityText.isEmpty ? nil : cityText, kind: kind,
                                          note: text("note"), line: line))
        }
        return ExceptionalDays(entries: entries, source: file)
    }

    /// The days that apply to units of `city`.
    public func days(forCity city: String) -> Set<Day> {
        Set(entries.filter { $0.applies(to: city) }.map(\.day))
    }

    /// The entries within `days`, in date order.
    public func entries(in days: Range<Day>) -> [ExceptionalDay] {
        entries.filter { days.contains($0.day) }.sorted { ($0.day, $0.city ?? "") < ($1.day, $1.city ?? "") }
    }
}
