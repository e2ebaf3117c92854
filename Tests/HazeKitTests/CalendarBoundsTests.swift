import Foundation
import Testing
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

/// Calendar arithmetic cannot overflow: the time types clamp and saturate
/// within years 1–9999, and input from outside is limited to the supported
/// calendar (years 1900–2200) and to ranges the store can hold — a usage
/// error naming the option otherwise, with nothing in the store changed.
@Suite("Calendar bounds", .onTestThreads)
struct CalendarBoundsTests {
    static func date(_ y: Int, _ m: Int, _ d: Int) -> CivilDate { CivilDate(year: y, month: m, day: d)! }
    static func month(_ y: Int, _ m: Int) -> Month { Month(year: y, month: m)! }

    @Test("hours and days at Int.min and Int.max: clamped to 0001-01-01 … 10000-01-01, every conversion total")
    func extremeIndices() {
        #expect(Hour(Int.max).description == "10000-01-01T23:00Z")
        #expect(Hour(Int.min).description == "0001-01-01T00:00Z")
        #expect(Hour(-1).description == "1969-12-31T23:00Z")
        #expect(Day(Int.max).description == "10000-01-01" && Day(Int.min).date == Self.date(1, 1, 1))
        #expect(Day(Int.max).advanced(by: -1).date == Self.date(9999, 12, 31))
        #expect(CivilDate(dayNumber: Int.max).description == "10000-01-01" && CivilDate(dayNumber: Int.min) == Self.date(1, 1, 1))
        #expect(Day(Int.max).month.description == "10000-01" && Day(Int.max).month.next == nil)
        #expect(Hour(0).advanced(by: Int.max) == Hour(Int.max) && Hour(0).advanced(by: Int.min) == Hour(Int.min))
        #expect(Hour(Int.max).advanced(by: Int.max) == Hour(Int.max))
        #expect(Day(5).advanced(by: Int.min) == Day(Int.min))
        #expect(Hour(Int.min).distance(to: Hour(Int.max)) == Hour.representable.count - 1)
        #expect(Day(CivilDate(dayNumber: 0)).index == 0)
        for hours in LocalZone.offsetHoursRange {
            let zone = LocalZone(hours: hours)!
            for hour in [Hour(Int.min), Hour(Int.max), Hour(0), Hour(-1)] {
                #expect((0...23).contains(zone.hourOfDay(hour)))
                _ = zone.format(hour)
                _ = zone.day(of: hour).month
            }
            #expect(zone.hour(day: Day(Int.max), hourOfDay: Int.max) == Hour(Int.max))
            #expect(zone.day(of: zone.firstHour(of: Day(Int.min))) == Day(Int.min))
        }
    }

    @Test("months: next, previous and a year earlier are nil beyond 0001-01 … 9999-12; stepping saturates; ranges iterate")
    func monthArithmetic() {
        #expect(Self.month(9999, 12).next == nil && Self.month(1, 1).previous == nil && Self.month(1, 6).yearEarlier == nil)
        #expect(Self.month(2019, 12).next == Self.month(2020, 1) && Self.month(2020, 1).previous == Self.month(2019, 12))
        #expect(Self.month(1900, 1).yearEarlier == Self.month(1899, 1), "inside the supported calendar a year earlier always exists")
        #expect(Self.month(2019, 11).advanced(by: Int.max) == Self.month(9999, 12))
        #expect(Self.month(2019, 11).advanced(by: Int.min) == Self.month(1, 1))
        #expect(Array(Self.month(2019, 11) ... Self.month(2020, 2)).map(\.description) == ["2019-11", "2019-12", "2020-01", "2020-02"])
        #expect(Array(Self.month(9999, 11) ... Self.month(9999, 12)).count == 2, "a range ending at the last month ends")
        #expect(Self.month(1900, 1).distance(to: Self.month(2200, 12)) == 301 * 12 - 1)
        #expect(Self.month(9999, 12).days.count == 31)
    }

    @Test("zones are whole hours within ±14 h; nothing else can be made")
    func zones() {
        #expect(LocalZone(offsetMinutes: 99 * 60) == nil && LocalZone(offsetMinutes: -15 * 60) == nil)
        #expect(LocalZone(offsetMinutes: 330) == nil, "+05:30 is not a whole hour")
        #expect(LocalZone(offsetMinutes: Int.min) == nil && LocalZone(hours: Int.max) == nil)
        #expect(LocalZone(hours: 14)?.description == "UTC+14:00" && LocalZone(hours: -14)?.description == "UTC-14:00")
    }

    @Test("dates, months and hours from outside: the supported calendar (1900–2200) and offsets within ±14:00")
    func parsing() {
        #expect(CivilDate.parse("1900-01-01") == .success(Self.date(1900, 1, 1)))
        #expect(CivilDate.parse("22001231") == .success(Self.date(2200, 12, 31)))
        for text in ["0001-01-01", "1899-12-31", "2201-01-01", "9999-12-31", "00010101"] {
            #expect(CivilDate.parse(text) == .failure(.outsideSupportedCalendar), "\(text)")
        }
        for text in ["2019-02-29", "20190230", "+201-01-01", "2019-1-011", "2019-01-1", "", "2019-01-01x"] {
            #expect(CivilDate.parse(text) == .failure(.malformed), "\(text)")
        }
        #expect(Month.parse("0001-01") == .failure(.outsideSupportedCalendar) && Month.parse("9999-12") == .failure(.outsideSupportedCalendar))
        for text in ["+201-01", "2019-1", "2019-13", "2019-00", "201901", "2019-01-01"] {
            #expect(Month.parse(text) == .failure(.malformed), "\(text)")
        }
        let zone = LocalZone.beijing
        #expect(ISOHour.parse("2019-01-12T00:00+99:00", defaultZone: zone) == .failure(.offsetOutOfRange))
        #expect(ISOHour.parse("2019-01-12T00:00-15:00", defaultZone: zone) == .failure(.offsetOutOfRange))
        #expect(ISOHour.parse("2019-01-12T00:00+1401", defaultZone: zone) == .failure(.offsetOutOfRange))
        #expect(ISOHour.parse("2019-01-12T00:00+14:00", defaultZone: zone) == .success(Hour(Day(Self.date(2019, 1, 12)).index * 24 - 14)))
        #expect(ISOHour.parse("9999-12-31T23:00Z", defaultZone: zone) == .failure(.outsideSupportedCalendar))
        #expect(ISOHour.parse("0001-01-01T00", defaultZone: zone) == .failure(.outsideSupportedCalendar))
        #expect(ISOHour.parse("9999-12-31T23:00+99:99x", defaultZone: zone) == .failure(.malformed))
        // Every hour a zone prints parses back to itself, at both ends of the supported calendar.
        for hours in LocalZone.offsetHoursRange {
            let zone = LocalZone(hours: hours)!
            for hour in [zone.firstHour(of: SupportedCalendar.firstDay), zone.firstHour(of: SupportedCalendar.lastDay).advanced(by: 23)] {
                #expect(ISOHour.parse(zone.format(hour), defaultZone: .utc) == .success(hour), "\(zone) \(hour)")
            }
        }
    }

    // MARK: The command line

    /// A refused command: exit 64, the message, nothing in the store changed.
    static func refused(_ arguments: [String], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let (run, changed) = BoundsStore.run(arguments)
        #expect(run.status == 64, "\(arguments): \(run.stderr)", sourceLocation: sourceLocation)
        #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)", sourceLocation: sourceLocation)
        #expect(changed.isEmpty, "\(arguments) changed \(changed)", sourceLocation: sourceLocation)
    }

    @Test("rank --month 0001-01, --year 9999, --from 0001-01 --to 9999-12: usage errors naming the option and the calendar")
    func rankOutsideTheCalendar() {
        Self.refused(["rank", "--month", "0001-01", "--city", "北京"],
                     "--month: '0001-01' is outside the supported calendar; --month accepts a month like 2019-01 (YYYY-MM) of years 1900–2200")
        Self.refused(["rank", "--year", "9999", "--city", "北京"],
                     "--year: '9999' is outside the supported calendar; --year accepts a year in 1900…2200 (the supported calendar)")
        Self.refused(["rank", "--year", "99999999999999999999999", "--city", "北京"], "--year: '99999999999999999999999' is outside the supported calendar")
        Self.refused(["rank", "--from", "0001-01", "--to", "9999-12", "--city", "北京"], "--from: '0001-01' is outside the supported calendar")
        Self.refused(["rank", "--from", "2019-01", "--to", "9999-12", "--city", "北京"], "--to: '9999-12' is outside the supported calendar")
        Self.refused(["rank", "--from", "2019-02", "--to", "2019-01", "--city", "北京"], "haze rank: --from 2019-02 is after --to 2019-01")
    }

    @Test("a period or query range longer than the store can hold is refused with the reason, before anything is allocated")
    func rangesLongerThanTheStore() {
        Self.refused(["rank", "--from", "1900-01", "--to", "2200-12", "--city", "北京"],
                     "haze rank --from 1900-01 --to 2200-12: 1900-01-01…2200-12-31 is 109938 days, but the store's daily ring keeps 4096 days; ask for at most 4096 days")
        Self.refused(["query", "--city", "北京", "--resolution", "month", "--from", "0001-01-01", "--to", "9999-12-31"],
                     "--from: '0001-01-01' is outside the supported calendar; --from accepts a date like 2019-01-31 of years 1900–2200")
        Self.refused(["query", "--city", "北京", "--resolution", "month", "--from", "1900-01-01", "--to", "2200-12-31"],
                     "haze query --from 1900-01-01 --to 2200-12-31 --resolution month: 1900-01-01…2200-12-31 is 109938 days, but the store's daily ring keeps 4096 days")
        Self.refused(["query", "--city", "北京", "--resolution", "hour", "--from", "2018-01-01", "--to", "2019-12-31"],
                     "is 730 days of hours, but the store's hourly ring keeps 10080 hours (420 days)")
        Self.refused(["query", "--city", "北京", "--from", "2019-01-12", "--to", "2019-01-10"], "haze query: --from 2019-01-12 is after --to 2019-01-10")
        Self.refused(["alert", "--replay", "--from", "1900-01-01", "--to", "2200-12-31"],
                     "haze alert --replay --from 1900-01-01 --to 2200-12-31: 1900-01-01…2200-12-31 is 109938 days of hours, but the store's hourly ring keeps 10080 hours")
        Self.refused(["alert", "--replay", "--from", "0001-01-01", "--to", "2019-01-12"], "--from: '0001-01-01' is outside the supported calendar")
        // A range the store holds is answered.
        let (run, _) = BoundsStore.run(["query", "--city", "北京", "--resolution", "hour", "--from", "2018-11-19", "--to", "2019-01-12", "--format", "csv"])
        #expect(run.status == 0 && run.stdout.split(separator: "\n").count == 1 + 55 * 24 * 2, "\(run.stderr)")
    }

    @Test("alert --at far ahead (2091) is refused outside --dry-run, and the alert state is untouched; --at with ±99:00 is refused")
    func alertAtFarAhead() {
        Self.refused(["alert", "--city", "北京", "--at", "2091-01-12T08:00+08:00"],
                     "--at 2091-01-12T08:00+08:00 is after the store's newest hour 2019-01-12T23:00+08:00")
        Self.refused(["alert", "--city", "北京", "--at", "2019-01-12T08:00+99:00", "--dry-run"],
                     "--at: '2019-01-12T08:00+99:00' is at a UTC offset beyond ±14:00")
        Self.refused(["alert", "--city", "北京", "--at", "9999-12-31T23:00Z", "--dry-run"], "--at: '9999-12-31T23:00Z' is outside the supported calendar")
        let (dry, changed) = BoundsStore.run(["alert", "--city", "北京", "--at", "2091-01-12T08:00+08:00", "--dry-run"])
        #expect(dry.status <= 2, "a dry run may look ahead: \(dry.stderr)")
        #expect(changed.isEmpty)
    }

    @Test("pull --since 0001-01-01 and --since after --until are refused before the configuration is read; a start of 0001-01-01 in it too")
    func pullRange() {
        Self.refused(["pull", "--config", "/nonexistent/haze.json", "--since", "0001-01-01"], "--since: '0001-01-01' is outside the supported calendar")
        Self.refused(["pull", "--config", "/nonexistent/haze.json", "--since", "2019-01-10", "--until", "2019-01-01"],
                     "haze pull: --since 2019-01-10 is after --until 2019-01-01")
        let config = TestPaths.temporaryDirectory("haze-calendar-config") + "/haze.json"
        try? #"{"sources":[{"id":"s","url":"http://x/{yyyyMMdd}","format":"cnemc-wide","start":"0001-01-01"}]}"#
            .write(toFile: config, atomically: true, encoding: .utf8)
        #expect(throws: PullError.configuration(.invalid(file: config, item: "source 's'", field: "start",
                                                         reason: "'0001-01-01' is outside the supported calendar (years 1900–2200)"))) {
            try PullConfiguration.load(path: config)
        }
    }

    // MARK: Data rows

    static let registry = StationRegistry(stations: [Station(code: "1001A", name: "s", city: "c", district: "d")])
    static let context = ParseContext(source: "t", zone: .beijing, latestHour: Hour(600_000), registry: registry, unknownStations: .quarantine)

    @Test("rows dated outside the supported calendar or with an offset beyond ±14:00 are quarantined with the reason")
    func dataRows() {
        let long = """
        station,time,pollutant,value
        1001A,2019-01-12T08:00+99:00,PM2.5,20
        1001A,1850-01-01T00:00+08:00,PM2.5,20
        1001A,9999-12-31T23:00Z,PM2.5,20
        1001A,2019-01-12T08:00+14:00,PM2.5,20
        """
        let batch = LongCSVParser().parse(Array(long.utf8), context: Self.context)
        #expect(batch.readings.count == 1)
        #expect(batch.rejections.map(\.reason) == [
            "'2019-01-12T08:00+99:00' is at a UTC offset beyond ±14:00",
            "'1850-01-01T00:00+08:00' is outside the supported calendar (years 1900–2200)",
            "'9999-12-31T23:00Z' is outside the supported calendar (years 1900–2200)",
        ])
        let wide = "date,hour,type,1001A\n18500101,0,PM2.5,20\n99991231,23,PM2.5,20\n20190112,99999999999999999999,PM2.5,20\n20190112,1e0,PM2.5,20\n20190112,0,PM2.5,20\n"
        let cnemc = CNEMCWideParser().parse(Array(wide.utf8), context: Self.context)
        #expect(cnemc.readings.count == 2, "hour 1e0 is hour 1")
        #expect(cnemc.rejections.map(\.reason) == [
            "'18500101' is outside the supported calendar (years 1900–2200)",
            "'99991231' is outside the supported calendar (years 1900–2200)",
            "'99999999999999999999' is not an hour 0–23",
        ])
        let page = #"{"results":[{"period":{"datetimeFrom":{"utc":"9999-12-31T23:00:00Z"}},"value":5,"parameter":{"name":"pm25","units":"µg/m³"}}]}"#
        let openAQ = OpenAQParser(station: "1001A").parse(Array(page.utf8), context: Self.context).batch
        #expect(openAQ.rejections.map(\.reason) == ["'9999-12-31T23:00:00Z' is outside the supported calendar (years 1900–2200)"])
    }

    // MARK: The library

    @Test("the assessment API never traps at the ends of the representable calendar, and refuses ranges longer than the store")
    func assessmentAtTheEnds() throws {
        let store = try Store(directory: BoundsStore.directory, access: .readOnly)
        let registry = SharedStore.registry
        let scope = RankingScope(level: .district, city: "北京")
        for month in [Self.month(1, 1), Self.month(9999, 12)] {
            // No data there: a typed "nothing is ranked", never a trap.
            let error = try #require(throws: QueryError.self) {
                try MonthlyRanking(store: store, registry: registry, month: month, scope: scope)
            }
            #expect(error.description.contains("nothing is ranked"), "\(error)")
        }
        let year = try #require(throws: QueryError.self) {
            try PeriodRanking(store: store, registry: registry, from: Self.month(9999, 1), to: Self.month(9999, 12), scope: scope)
        }
        #expect(year.description.contains("nothing is ranked"), "\(year)")
        #expect(throws: QueryError.self) {
            try PeriodRanking(store: store, registry: registry, from: Self.month(1, 1), to: Self.month(9999, 12), scope: scope)
        }
        let query = StationQuery(subject: .city("北京"), pollutants: [.pm25], from: Self.date(9999, 12, 1), to: Self.date(9999, 12, 31), resolution: .month)
        #expect(try query.run(store: store, registry: registry).map(\.time) == ["9999-12"])
        let long = StationQuery(subject: .city("北京"), pollutants: [.pm25], from: Self.date(1, 1, 1), to: Self.date(9999, 12, 31), resolution: .day)
        let error = try #require(throws: QueryError.self) { try long.run(store: store, registry: registry) }
        #expect(error.isUsage && error.description.contains("3652059 days"))
    }
}
