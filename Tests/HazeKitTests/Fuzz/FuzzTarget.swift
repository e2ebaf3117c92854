// Compiled twice: into the test target (the regression replay) and, with
// -D HAZE_FUZZ_BINARY, into the libFuzzer binary built by Tests/Fuzz/run.sh
// together with HazeKit's sources as one module.
#if !HAZE_FUZZ_BINARY
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeStore
@testable import HazeIngest
@testable import HazeNet
@testable import HazeSources
@testable import HazeAssessment
@testable import HazeAlerts
@testable import HazeReport
@testable import HazeCLI
#endif

/// One fuzzed entry point and the properties its output must have. A parser
/// may reject anything, but must never crash, hang or accept a value out of range.
enum FuzzTarget: String, CaseIterable, Sendable {
    /// The CNEMC wide CSV parser.
    case wide
    /// The long CSV parser (quoted fields, ISO times).
    case long
    /// OpenAQ v3 JSON pages, and so the JSON decoder.
    case openaq
    /// The alert rule loader.
    case rules
    /// The checked conversion of numbers from outside (`ExternalNumber`) and
    /// everything that meets them: text, doubles near and beyond every bound
    /// (raw bit patterns too), JSON numbers, OpenAQ values, CSV cells,
    /// composite weights, GB/T 8170 rounding and formatting.
    case numbers
    /// Calendar parsing and arithmetic: dates, months, ISO hours in every
    /// zone, hours and days from any Int, and command lines of the commands
    /// that take dates and numbers.
    case calendar

    /// Runs the input through the entry point; returns the properties it broke.
    func violations(_ bytes: [UInt8]) -> [String] {
        switch self {
        case .wide:
            return Self.check(CNEMCWideParser().parse(bytes, context: Self.context(.quarantine)))
        case .long:
            return Self.check(LongCSVParser().parse(bytes, context: Self.context(.store)))
        case .openaq:
            return Self.check(OpenAQParser(station: "OAQ-1").parse(bytes, context: Self.context(.quarantine)).batch)
        case .rules:
            guard let set = try? RuleSet.parse(data: bytes, file: "fuzz.json") else { return [] }
            return set.rules.compactMap { rule in
                rule.levels.isEmpty || rule.cooldownHours < 1 ? "rule \(rule.id) accepted without levels or cooldown" : nil
            }
        case .numbers:
            return NumberProperties.violations(bytes)
        case .calendar:
            return CalendarProperties.violations(bytes)
        }
    }

    private static func check(_ batch: ParsedBatch) -> [String] {
        var out: [String] = []
        for reading in batch.readings {
            if Int(reading.value) > HourlyRing.maximumValue { out.append("value \(reading.value) above the ring's range") }
            if Int(reading.key) >= batch.keys.count { out.append("reading names series key \(reading.key) of \(batch.keys.count)") }
        }
        return out
    }

    static let registry = StationRegistry(stations: ["1001A", "1002A", "1003A", "2067A", "OAQ-1"].map {
        Station(code: $0, name: "s", city: "c", district: "d")
    })

    static func context(_ policy: UnknownStationPolicy) -> ParseContext {
        ParseContext(source: "fuzz", zone: .beijing, latestHour: Hour(600_000), registry: registry, unknownStations: policy)
    }
}

/// The properties of the `numbers` target: every conversion gives a value in
/// its range or a refusal — never a trap — and agrees with an independent
/// reading where one exists.
enum NumberProperties {
    static let wholeRanges: [ClosedRange<Int>] = [Int.min...Int.max, 0...23, -14...14, 48...1_000_000, 1...600, 0...0]
    static let decimalRanges: [ClosedRange<Double>] = [0...86_400, 0...1, -.greatestFiniteMagnitude ... .greatestFiniteMagnitude]

    static func violations(_ bytes: [UInt8]) -> [String] {
        var out: [String] = []
        let text = String(decoding: bytes, as: UTF8.self)
        fromText(text, &out)
        if let value = Double(text) { double(value, &out) }
        // The first eight bytes as a double's bits (NaN payloads, subnormals, ±∞, −0) and as an Int.
        if bytes.count >= 8 {
            let bits = bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            double(Double(bitPattern: bits), &out)
            double(Double(Int(bitPattern: UInt(bits))), &out)
        }
        json(text, &out)
        return out
    }

    static func fromText(_ text: String, _ out: inout [String]) {
        for range in wholeRanges {
            switch ExternalNumber.wholeNumber(text, in: range) {
            case .success(let n):
                if !range.contains(n) { out.append("wholeNumber(\(text)) = \(n) outside \(range)") }
                if ExternalNumber.isIntegerLiteral(text), Int(text) != n { out.append("wholeNumber(\(text)) = \(n), Int() says \(String(describing: Int(text)))") }
            case .failure:
                if ExternalNumber.isIntegerLiteral(text), let n = Int(text), range.contains(n) { out.append("wholeNumber refused \(text) in \(range)") }
            }
        }
        for range in decimalRanges {
            if case .success(let d) = ExternalNumber.decimal(text, in: range) {
                if !d.isFinite || !range.contains(d) || (d == 0 && d.sign == .minus) { out.append("decimal(\(text)) = \(d) for \(range)") }
            }
        }
        switch CompositeWeights.parse(text) {
        case .success(let weights):
            let sum = weights.weights.reduce(0) { $0 + $1.weight }
            if weights.weights.contains(where: { !$0.weight.isFinite || $0.weight <= 0 || $0.weight > 1 }) || abs(sum - 1) > 1e-9 {
                out.append("composite weights accepted: \(weights)")
            }
            _ = weights.description
        case .failure(let refusal):
            _ = refusal.description
        }
        // A CSV cell: the exact byte parser against the checked double path,
        // where both read the same decimal (no exponent, at most 3 decimals).
        let cell = Array(text.utf8)
        let parsed = cell.withUnsafeBufferPointer { ConcentrationText.parse($0, 0 ..< $0.count) }
        if case .value(let v) = parsed, !(0...Pollutant.maximumConcentration).contains(v) { out.append("cell \(text) read as \(v)") }
        let plain = text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") }
        let fraction = text.split(separator: ".", omittingEmptySubsequences: false)
        if plain, text.utf8.count <= 12, fraction.count <= 2, (fraction.count < 2 || fraction[1].count <= 3), let d = Double(text) {
            let checked = try? ExternalNumber.concentration(d).get()
            switch parsed {
            case .value(let v): if checked != v { out.append("cell \(text): bytes give \(v), doubles give \(String(describing: checked))") }
            case .invalid: if checked != nil { out.append("cell \(text): bytes refuse, doubles give \(String(describing: checked))") }
            case .missing: break
            }
        }
    }

    static func double(_ value: Double, _ out: inout [String]) {
        for range in wholeRanges {
            if case .success(let n) = ExternalNumber.wholeNumber(value, in: range) {
                if !range.contains(n) || Double(n) != value { out.append("wholeNumber(\(value)) = \(n) for \(range)") }
            }
            if case .success(let n) = ExternalNumber.rounded(value, in: range), !range.contains(n) {
                out.append("rounded(\(value)) = \(n) outside \(range)")
            }
        }
        for range in decimalRanges {
            if case .success(let d) = ExternalNumber.decimal(value, in: range), !d.isFinite || !range.contains(d) {
                out.append("decimal(\(value)) = \(d) for \(range)")
            }
        }
        if case .success(let c) = ExternalNumber.concentration(value), !(0...Pollutant.maximumConcentration).contains(c) || !value.isFinite {
            out.append("concentration(\(value)) = \(c)")
        }
        for decimals in [-1, 0, 1, 2, 6, 40] { _ = GBT8170.format(value, decimals: decimals) }
        _ = GBT8170.roundToInteger(value)
        _ = ExternalNumber.show(value)
        _ = JSONValue.decimal(value, places: 6).serialized()
        _ = JSONFields.show(value)
    }

    static func json(_ text: String, _ out: inout [String]) {
        guard let value = try? JSONValue.parse(Array("{\"v\": \(text)}".utf8)) else { return }
        if let fields = try? JSONFields(value, file: "fuzz.json", item: nil, context: "top") {
            for range in wholeRanges {
                if let n = try? fields.integer("v", range), !range.contains(n) { out.append("JSON integer \(text) = \(n) outside \(range)") }
            }
            if let d = try? fields.number("v", -1e308...1e308), !d.isFinite { out.append("JSON number \(text) = \(d)") }
        }
        // The same number as an OpenAQ value: stored in range, or refused on its row.
        let page = #"{"results":[{"period":{"datetimeFrom":{"utc":"2019-01-01T00:00:00Z"}},"value":"# + text
            + #","parameter":{"name":"pm25","units":"µg/m³"}}]}"#
        let batch = OpenAQParser(station: "OAQ-1").parse(Array(page.utf8), context: FuzzTarget.context(.quarantine)).batch
        if batch.readings.contains(where: { Int($0.value) > Pollutant.maximumConcentration }) { out.append("OpenAQ value \(text) stored out of range") }
        if batch.readings.count + batch.rejections.count > 1 { out.append("OpenAQ value \(text) counted twice") }
    }
}

/// The properties of the `calendar` target.
enum CalendarProperties {
    static let zones = LocalZone.offsetHoursRange.compactMap { LocalZone(hours: $0) }

    static func violations(_ bytes: [UInt8]) -> [String] {
        var out: [String] = []
        let text = String(decoding: bytes, as: UTF8.self)
        if case .success(let date) = CivilDate.parse(text) {
            if !SupportedCalendar.contains(date) { out.append("date \(text) outside the supported calendar") }
            if (try? CivilDate.parse(date.description).get()) != date { out.append("date \(text) does not round-trip") }
            if Day(date).date != date || !Day(date).month.days.contains(Day(date)) { out.append("date \(text): day or month disagrees") }
        }
        if case .success(let month) = Month.parse(text) {
            if !SupportedCalendar.contains(month) { out.append("month \(text) outside the supported calendar") }
            if month.next == nil || month.previous == nil || month.yearEarlier == nil { out.append("month \(text) has no neighbour") }
            if !(28...31).contains(month.days.count) { out.append("month \(text) has \(month.days.count) days") }
        }
        for zone in [zones[0], LocalZone.utc, LocalZone.beijing, zones[zones.count - 1]] {
            guard case .success(let hour) = ISOHour.parse(text, defaultZone: zone) else { continue }
            let day = LocalZone.utc.day(of: hour)
            if day < SupportedCalendar.firstDay.advanced(by: -1) || day > SupportedCalendar.lastDay.advanced(by: 1) {
                out.append("hour \(text) far outside the supported calendar: \(hour)")
            }
            for other in zones where (try? ISOHour.parse(other.format(hour), defaultZone: .utc).get()) != hour {
                out.append("hour \(text) printed in \(other) does not parse back")
            }
        }
        if bytes.count >= 8 {
            let index = Int(bitPattern: UInt(bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }))
            extremes(index, &out)
        }
        commandLine(text, &out)
        return out
    }

    /// Any Int as an hour, a day, a day number, a month offset: total, clamped, consistent.
    static func extremes(_ index: Int, _ out: inout [String]) {
        let hour = Hour(index), day = Day(index)
        if !Hour.representable.contains(hour.index) || !Day.representable.contains(day.index) { out.append("\(index) not clamped") }
        _ = hour.description
        _ = day.description
        _ = CivilDate(dayNumber: index).description
        _ = hour.advanced(by: index)
        _ = day.advanced(by: index).month.days
        for zone in zones {
            if !(0...23).contains(zone.hourOfDay(hour)) { out.append("hour of day of \(index) in \(zone)") }
            _ = zone.format(hour)
            _ = zone.hour(day: day, hourOfDay: index)
        }
        let month = day.month
        _ = month.advanced(by: index)
        _ = month.offset(by: index)
        _ = month.yearEarlier?.next?.previous
        if let other = month.offset(by: index % 1_000), other.distance(to: month) != -(index % 1_000) { out.append("month offset \(index)") }
    }

    /// A command line: words separated by NUL (or spaces); the first word may name a command.
    static func commandLine(_ text: String, _ out: inout [String]) {
        var words = text.contains("\0") ? text.split(separator: "\0").map(String.init) : text.split(separator: " ").map(String.init)
        var command = HazeCLI.commands.first { $0.spec.name == "rank" }
        if let first = words.first, let named = HazeCLI.commands.first(where: { $0.spec.name == first }) {
            command = named
            words.removeFirst()
        }
        guard let spec = command?.spec, let parsed = try? spec.parse(words) else { return }
        // Every declared value read back through its form: parse already checked it, so it must read.
        for option in spec.options {
            guard let form = option.form, let value = parsed.value(option.name) else { continue }
            if (try? form.read(value, option: option.name)) == nil { out.append("\(option.name) \(value) passed parse but not its form") }
        }
        if spec.name == "rank", let request = try? RankCommand.request(parsed), let period = request.period {
            if !SupportedCalendar.contains(period.first) || !SupportedCalendar.contains(period.last) || period.first > period.last {
                out.append("rank period \(period.first)…\(period.last) accepted")
            }
            _ = Array(period.first ... period.last)
        }
    }
}
