/// The edition of HJ 633 (环境空气质量指数 AQI 技术规定) in force on a date:
/// HJ 633—2012 until 2026-02-28, HJ 633—2026 from 2026-03-01.
public enum AQIEdition: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case hj633_2012 = "HJ 633-2012"
    case hj633_2026 = "HJ 633-2026"

    package static func inForce(on date: CivilDate) -> AQIEdition {
        inForce(on: Day(date))
    }

    package static func inForce(on day: Day) -> AQIEdition {
        day < AirQualityStandard.edition2026StartDay ? .hj633_2012 : .hj633_2026
    }

    public var description: String { rawValue }
}

/// A row of HJ 633's breakpoint table (表1): a pollutant and its averaging time.
package enum AQIItem: String, Sendable, Hashable, CaseIterable {
    case so2_24h, so2_1h, no2_24h, no2_1h, co_24h, co_1h, o3_1h, o3_8h, pm10_24h, pm25_24h

    package var pollutant: Pollutant {
        switch self {
        case .so2_24h, .so2_1h: .so2
        case .no2_24h, .no2_1h: .no2
        case .co_24h, .co_1h: .co
        case .o3_1h, .o3_8h: .o3
        case .pm10_24h: .pm10
        case .pm25_24h: .pm25
        }
    }

    /// The IAQI values the breakpoints stand for (the same in both editions).
    static let steps = [0, 50, 100, 150, 200, 300, 400, 500]

    /// The breakpoints in the pollutant's stored unit (µg/m³; CO in tenths
    /// of mg/m³), HJ 633 Table 1 of the edition. HJ 633—2026 moved only the
    /// IAQI-100 breakpoint of PM2.5 (75 → 60) and PM10 (150 → 120). SO2 1-h
    /// ends at IAQI 200 (800 µg/m³), O3 8-h at IAQI 300 (800 µg/m³).
    package func breakpoints(_ edition: AQIEdition) -> [Int] {
        edition == .hj633_2026 ? Self.tables2026[tableIndex] : Self.tables2012[tableIndex]
    }

    /// Position in `allCases` (a switch: no allocation).
    var tableIndex: Int {
        switch self {
        case .so2_24h: 0
        case .so2_1h: 1
        case .no2_24h: 2
        case .no2_1h: 3
        case .co_24h: 4
        case .co_1h: 5
        case .o3_1h: 6
        case .o3_8h: 7
        case .pm10_24h: 8
        case .pm25_24h: 9
        }
    }

    static let tables2012: [[Int]] = AQIItem.allCases.map { $0.table(.hj633_2012) }
    static let tables2026: [[Int]] = AQIItem.allCases.map { $0.table(.hj633_2026) }

    func table(_ edition: AQIEdition) -> [Int] {
        let is2026 = edition == .hj633_2026
        switch self {
        case .so2_24h: return [0, 50, 150, 475, 800, 1600, 2100, 2620]
        case .so2_1h: return [0, 150, 500, 650, 800]
        case .no2_24h: return [0, 40, 80, 180, 280, 565, 750, 940]
        case .no2_1h: return [0, 100, 200, 700, 1200, 2340, 3090, 3840]
        case .co_24h: return [0, 20, 40, 140, 240, 360, 480, 600]
        case .co_1h: return [0, 50, 100, 350, 600, 900, 1200, 1500]
        case .o3_1h: return [0, 160, 200, 300, 400, 800, 1000, 1200]
        case .o3_8h: return [0, 100, 160, 215, 265, 800]
        case .pm10_24h: return [0, 50, is2026 ? 120 : 150, 250, 350, 420, 500, 600]
        case .pm25_24h: return [0, 35, is2026 ? 60 : 75, 115, 150, 250, 350, 500]
        }
    }

    /// IAQI of a concentration already rounded to the published precision
    /// (GB/T 8170: whole µg/m³, CO one decimal — i.e. a whole stored value):
    /// the linear interpolation of HJ 633 §4.2 (formula 1) on the segment
    /// holding it, rounded **up** to an integer (「全部进位取整数」), exactly.
    ///
    /// Beyond the table's last breakpoint: SO2 1-h above 800 µg/m³ and O3
    /// 8-h above 800 µg/m³ are not computed from this item under HJ 633—2012
    /// (nil: the caller takes the SO2 24-h, resp. the O3 1-h IAQI) and are
    /// 200, resp. 300, under HJ 633—2026; every other item gives 500 (the
    /// decision of RULES.md §4: every such CNEMC station-hour of 2019 shows 500).
    package func iaqi(_ rounded: Int, edition: AQIEdition) -> Int? {
        let bp = breakpoints(edition)
        let c = max(0, rounded)
        guard let top = bp.last, c <= top else {
            switch (self, edition) {
            case (.so2_1h, .hj633_2012), (.o3_8h, .hj633_2012): return nil
            case (.so2_1h, .hj633_2026): return 200
            case (.o3_8h, .hj633_2026): return 300
            default: return 500
            }
        }
        for i in 1 ..< bp.count where c <= bp[i] {
            let lo = bp[i - 1], hi = bp[i]
            let numerator = (Self.steps[i] - Self.steps[i - 1]) * (c - lo)
            let span = hi - lo
            return Self.steps[i - 1] + (numerator + span - 1) / span
        }
        return 500
    }
}

/// The items an AQI is made of, named as reports and CNEMC name them:
/// `SO2`, `NO2`, `CO`, `PM10`, `PM2.5`, and for ozone `O3` (a 1-hour value in
/// the real-time AQI), `O3_8h` (the daily maximum 8-hour mean) and `O3_1h`
/// (the daily maximum 1-hour value, a daily item under HJ 633—2012 only).
public enum AQIComponent: String, Sendable, Hashable, CaseIterable, Comparable {
    case so2 = "SO2"
    case no2 = "NO2"
    case co = "CO"
    case o3 = "O3"
    case o3_8h = "O3_8h"
    case o3_1h = "O3_1h"
    case pm10 = "PM10"
    case pm25 = "PM2.5"

    /// The pollutant an item is computed from (`o3`, `o3_8h` and `o3_1h` are all ozone).
    public var pollutant: Pollutant {
        switch self {
        case .so2: .so2
        case .no2: .no2
        case .co: .co
        case .o3, .o3_8h, .o3_1h: .o3
        case .pm10: .pm10
        case .pm25: .pm25
        }
    }

    /// The hourly item of a pollutant.
    public static func hourly(_ pollutant: Pollutant) -> AQIComponent {
        switch pollutant {
        case .so2: .so2
        case .no2: .no2
        case .co: .co
        case .o3: .o3
        case .pm10: .pm10
        case .pm25: .pm25
        }
    }

    /// The daily items of GB 3095's six pollutants (O3 by its daily maximum 8-hour mean).
    static let sixDaily: [AQIComponent] = [.so2, .no2, .co, .pm10, .pm25, .o3_8h]

    public static func < (a: AQIComponent, b: AQIComponent) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// An AQI level and category (HJ 633 Table 2 / 2026 Table 1).
public enum AQILevel: Int, Sendable, Hashable, CaseIterable, Comparable {
    case excellent = 1, good, lightlyPolluted, moderatelyPolluted, heavilyPolluted, severelyPolluted

    /// The level (类别) of an AQI value by HJ 633 Table 2: ≤ 50 excellent (优), ≤ 100 good (良), … > 300 severe (严重污染).
    public init(aqi: Int) {
        switch aqi {
        case ...50: self = .excellent
        case ...100: self = .good
        case ...150: self = .lightlyPolluted
        case ...200: self = .moderatelyPolluted
        case ...300: self = .heavilyPolluted
        default: self = .severelyPolluted
        }
    }

    /// 优, 良, 轻度污染, 中度污染, 重度污染, 严重污染.
    public var category: String {
        switch self {
        case .excellent: "优"
        case .good: "良"
        case .lightlyPolluted: "轻度污染"
        case .moderatelyPolluted: "中度污染"
        case .heavilyPolluted: "重度污染"
        case .severelyPolluted: "严重污染"
        }
    }

    var englishCategory: String {
        switch self {
        case .excellent: "excellent"
        case .good: "good"
        case .lightlyPolluted: "lightly polluted"
        case .moderatelyPolluted: "moderately polluted"
        case .heavilyPolluted: "heavily polluted"
        case .severelyPolluted: "severely polluted"
        }
    }

    /// The level's colour of HJ 633 (green, yellow, orange, red, purple, maroon).
    package var color: String {
        switch self {
        case .excellent: "#00e400"
        case .good: "#ffff00"
        case .lightlyPolluted: "#ff7e00"
        case .moderatelyPolluted: "#ff0000"
        case .heavilyPolluted: "#99004c"
        case .severelyPolluted: "#7e0023"
        }
    }

    /// A 优 or 良 day (优良天): AQI ≤ 100.
    var isGood: Bool { rawValue <= 2 }

    public static func < (a: AQILevel, b: AQILevel) -> Bool { a.rawValue < b.rawValue }
}

/// Up to one small whole number (0…65534) per AQI item or pollutant, kept
/// in two machine words: what an hour's or day's AQI is made of, with no
/// allocation (the hourly AQI of every station-hour of a year is computed
/// in bulk).
package struct ComponentValues<Key: CompactKey>: Sendable, Hashable {
    private var words: (UInt64, UInt64) = (0, 0)

    package init() {}

    @inline(__always) static func index(_ key: Key) -> Int { min(max(key.compactIndex, 0), 7) }

    package subscript(key: Key) -> Int? {
        get {
            let i = Self.index(key)
            let word = i < 4 ? words.0 : words.1
            let raw = (word >> UInt64(16 * (i % 4))) & 0xFFFF
            return raw == 0 ? nil : Int(raw) - 1
        }
        set {
            let i = Self.index(key)
            let shift = UInt64(16 * (i % 4))
            let raw = UInt64(newValue.map { min(max($0, 0), 65_534) + 1 } ?? 0)
            if i < 4 { words.0 = words.0 & ~(0xFFFF << shift) | raw << shift }
            else { words.1 = words.1 & ~(0xFFFF << shift) | raw << shift }
        }
    }

    /// The keys with a value, in declaration order, and their values.
    package var entries: [(key: Key, value: Int)] { Key.allCases.compactMap { key in self[key].map { (key, $0) } } }

    package var isEmpty: Bool { words.0 == 0 && words.1 == 0 }

    /// The largest value, nil when there is none.
    package var maximum: Int? {
        var best: UInt64 = 0
        var a = words.0, b = words.1
        for _ in 0 ..< 4 {
            best = max(best, a & 0xFFFF, b & 0xFFFF)
            a >>= 16
            b >>= 16
        }
        return best == 0 ? nil : Int(best) - 1
    }

    package static func == (a: ComponentValues, b: ComponentValues) -> Bool { a.words == b.words }
    package func hash(into hasher: inout Hasher) { hasher.combine(words.0); hasher.combine(words.1) }
}

/// A key of `ComponentValues` and `ComponentSet`: at most 8 cases, each
/// with a fixed index 0…7.
package protocol CompactKey: CaseIterable, Hashable, Sendable {
    var compactIndex: Int { get }
}

extension Pollutant: CompactKey {
    @inline(__always) package var compactIndex: Int { Int(rawValue) - 1 }
}

extension AQIComponent: CompactKey {
    @inline(__always) package var compactIndex: Int {
        switch self {
        case .so2: 0
        case .no2: 1
        case .co: 2
        case .o3: 3
        case .o3_8h: 4
        case .o3_1h: 5
        case .pm10: 6
        case .pm25: 7
        }
    }
}

/// A set of AQI items or pollutants as a bit mask (no allocation).
package struct ComponentSet<Key: CompactKey>: Sendable, Hashable {
    package private(set) var mask: UInt16 = 0

    package init() {}

    package init(_ keys: some Sequence<Key>) {
        for key in keys { insert(key) }
    }

    @inline(__always) static func bit(_ key: Key) -> UInt16 { 1 << UInt16(min(max(key.compactIndex, 0), 15)) }

    package mutating func insert(_ key: Key) { mask |= Self.bit(key) }
    package func contains(_ key: Key) -> Bool { mask & Self.bit(key) != 0 }
    package var isEmpty: Bool { mask == 0 }
    /// The members, in declaration order.
    package var members: [Key] { Key.allCases.filter(contains) }
}

/// One AQI: the IAQI of every item present, the AQI, the primary
/// pollutant(s) and the level — real-time (a station-hour) or daily. Kept
/// without allocation (see `ComponentValues`).
public struct AQIResult: Sendable, Equatable {
    /// The HJ 633 edition the AQI was computed under (by the date of the hour or day).
    public var edition: AQIEdition
    /// IAQI of each item that has a (valid) value.
    package var iaqi: ComponentValues<AQIComponent>
    /// The largest IAQI of the items present (nil: none).
    package var partial: Int?
    /// The published AQI: nil when the rules say none is published (HJ 633—2026
    /// §5.3.1 for a missing pollutant; a day without a valid AQI).
    public var aqi: Int?
    /// Items whose IAQI equals the AQI when the AQI is above 50, jointly (HJ 633 §4.4).
    var primarySet: ComponentSet<AQIComponent>
    /// Monitored pollutants with no (valid) value.
    var missingSet: ComponentSet<Pollutant>
    /// Daily AQI: all six pollutants valid.
    public var complete: Bool

    /// The AQI's level (类别); nil when no AQI is published.
    public var level: AQILevel? { aqi.map(AQILevel.init(aqi:)) }
    package var primary: [AQIComponent] { primarySet.members }
    /// The monitored pollutants without a valid value, in `Pollutant` order.
    public var missing: [Pollutant] { missingSet.members }

    /// `PM2.5,PM10` (empty when none).
    package var primaryText: String { primary.map(\.rawValue).joined(separator: ",") }
}

/// HJ 633's AQI (see RULES.md §4–§6 for every rule and its source).
package enum AirQualityIndex {
    /// The real-time (hourly) AQI of a station or unit hour (RULES.md §5.1).
    ///
    /// `values` are the hour's concentrations in the stored unit (whole
    /// numbers: already the published precision). Items: SO2, NO2, CO, O3 on
    /// their 1-hour tables; PM10 and PM2.5 (1-hour values) on the 24-hour
    /// tables — HJ 633—2026 §4.2.3–4.2.4, and for HJ 633—2012, which has no
    /// 1-hour PM rows, the rule that reproduces CNEMC's published AQI.
    /// SO2 above 800 µg/m³: 2012 → the IAQI of `so2Moving24h` on the SO2
    /// 24-hour table (no SO2 item without it); 2026 → 200.
    /// `monitored` are the pollutants the station measures (a station without
    /// a series, or a snapshot's `/`, does not): under HJ 633—2026 §5.3.1 an
    /// AQI with a monitored pollutant missing is published only above 100.
    package static func realTime(_ values: ComponentValues<Pollutant>, monitored: ComponentSet<Pollutant>,
                                so2Moving24h: Double?, on date: CivilDate) -> AQIResult {
        let edition = AQIEdition.inForce(on: date)
        var iaqi = ComponentValues<AQIComponent>()
        var missing = ComponentSet<Pollutant>()
        for pollutant in Pollutant.allCases {
            guard let value = values[pollutant] else {
                if monitored.contains(pollutant) { missing.insert(pollutant) }
                continue
            }
            let item: AQIItem
            switch pollutant {
            case .so2: item = .so2_1h
            case .no2: item = .no2_1h
            case .co: item = .co_1h
            case .o3: item = .o3_1h
            case .pm10: item = .pm10_24h
            case .pm25: item = .pm25_24h
            }
            if let value = item.iaqi(value, edition: edition) {
                iaqi[.hourly(pollutant)] = value
            } else if pollutant == .so2, let daily = so2Moving24h,
                      let value = AQIItem.so2_24h.iaqi(GBT8170.roundToInteger(daily), edition: edition) {
                iaqi[.so2] = value
            } else if monitored.contains(pollutant) {
                missing.insert(pollutant)
            }
        }
        let partial = iaqi.maximum
        var published = partial
        if edition == .hj633_2026, !missing.isEmpty, (partial ?? 0) <= 100 { published = nil }
        return AQIResult(edition: edition, iaqi: iaqi, partial: partial, aqi: published,
                         primarySet: primary(iaqi, aqi: published), missingSet: missing, complete: missing.isEmpty)
    }

    /// The same from a dictionary of the hour's values.
    package static func realTime(_ values: [Pollutant: Int], monitored: Set<Pollutant>, so2Moving24h: Double?,
                                on date: CivilDate) -> AQIResult {
        var compact = ComponentValues<Pollutant>()
        for (pollutant, value) in values { compact[pollutant] = value }
        return realTime(compact, monitored: ComponentSet(monitored), so2Moving24h: so2Moving24h, on: date)
    }

    /// The daily AQI of a station or unit day (RULES.md §6).
    ///
    /// `values` are the day's *valid* exact daily values in the stored unit:
    /// SO2, NO2, CO, PM10, PM2.5 daily means, O3's daily maximum 8-hour mean
    /// (`.o3_8h`) and its daily maximum 1-hour value (`.o3_1h`). Each is
    /// rounded (GB/T 8170) before its IAQI. Items: the six on their 24-hour
    /// (O3: 8-hour) tables, plus under HJ 633—2012 the O3 1-hour maximum on
    /// the 1-hour table. O3 8-hour above 800: 2012 → the O3 1-hour IAQI;
    /// 2026 → 300. A day has a published AQI when all six are valid, or when
    /// the AQI of the valid ones is above 100 (HJ 633—2026 §5.3.1).
    package static func daily(_ values: [AQIComponent: Double], on date: CivilDate) -> AQIResult {
        let edition = AQIEdition.inForce(on: date)
        var iaqi = ComponentValues<AQIComponent>()
        func rounded(_ component: AQIComponent) -> Int? { values[component].map(GBT8170.roundToInteger) }
        let items: [(AQIComponent, AQIItem)] = [(.so2, .so2_24h), (.no2, .no2_24h), (.co, .co_24h),
                                                (.pm10, .pm10_24h), (.pm25, .pm25_24h)]
        for (component, item) in items {
            if let c = rounded(component), let value = item.iaqi(c, edition: edition) { iaqi[component] = value }
        }
        if let c = rounded(.o3_8h) {
            if let value = AQIItem.o3_8h.iaqi(c, edition: edition) {
                iaqi[.o3_8h] = value
            } else if let one = rounded(.o3_1h), let value = AQIItem.o3_1h.iaqi(one, edition: edition) {
                iaqi[.o3_8h] = value
            }
        }
        if edition == .hj633_2012, let c = rounded(.o3_1h), let value = AQIItem.o3_1h.iaqi(c, edition: edition) {
            iaqi[.o3_1h] = value
        }
        let missing = ComponentSet(AQIComponent.sixDaily.filter { values[$0] == nil }.map(\.pollutant))
        let complete = missing.isEmpty
        let partial = iaqi.maximum
        let published = partial.flatMap { complete || $0 > 100 ? $0 : nil }
        return AQIResult(edition: edition, iaqi: iaqi, partial: partial, aqi: published,
                         primarySet: primary(iaqi, aqi: published), missingSet: missing, complete: complete)
    }

    static func primary(_ iaqi: ComponentValues<AQIComponent>, aqi: Int?) -> ComponentSet<AQIComponent> {
        var set = ComponentSet<AQIComponent>()
        guard let aqi, aqi > 50 else { return set }
        for item in AQIComponent.allCases where iaqi[item] == aqi { set.insert(item) }
        return set
    }
    /// IAQI of a PM 24-hour mean (µg/m³, rounded here first), by the table
    /// in force on `date`; 500 above the top breakpoint.
    package static func iaqi(_ pollutant: Pollutant, dailyMean: Double, on date: CivilDate) -> Int {
        let item: AQIItem
        switch pollutant {
        case .so2: item = .so2_24h
        case .no2: item = .no2_24h
        case .co: item = .co_24h
        case .o3: item = .o3_8h
        case .pm10: item = .pm10_24h
        case .pm25: item = .pm25_24h
        }
        return item.iaqi(GBT8170.roundToInteger(dailyMean), edition: AQIEdition.inForce(on: date)) ?? 500
    }

    /// AQI from the PM daily means that are available (nil if none is): the
    /// larger of the two PM IAQIs ("PM AQI"), what heavy-pollution episodes
    /// in the PM-dominated winter turn on.
    package static func pmAQI(pm25: Double?, pm10: Double?, on date: CivilDate) -> Int? {
        let values = [pm25.map { iaqi(.pm25, dailyMean: $0, on: date) },
                      pm10.map { iaqi(.pm10, dailyMean: $0, on: date) }].compactMap { $0 }
        return values.max()
    }
}
