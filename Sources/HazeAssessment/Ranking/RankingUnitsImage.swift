import HazeModel
import HazeRegistry

/// `RankingUnits` as bytes, for the registry cache (`RegistryDerivation`):
/// `haze rank` keeps the units of a level, city and month with the
/// registry's warnings, and a later ranking of the same month from exactly
/// the same files takes them instead of loading the registry and forming
/// them again. Every station and name is kept as its bytes; a unit's
/// stations are made again from its periods by `RankingUnit`'s initialiser,
/// as forming made them.
package enum RankingUnitsImage {
    /// Bumped whenever the encoding or what forming units makes changes.
    static let format: UInt32 = 1

    /// What the units were formed for: the level, the city as given (nil: all),
    /// the days and the days also formed for (a year earlier).
    package static func key(level: RankingLevel, city: String?, days: Range<Day>, alsoFor earlier: Range<Day>?) -> [UInt8] {
        var w = ImageWriter()
        w.u32(format)
        w.string("ranking units")
        w.string(level.rawValue)
        w.bool(city != nil)
        w.string(city ?? "")
        w.int(days.lowerBound.index)
        w.int(days.upperBound.index)
        w.bool(earlier != nil)
        w.int(earlier?.lowerBound.index ?? 0)
        w.int(earlier?.upperBound.index ?? 0)
        return w.bytes()
    }

    /// The units and the registry's warnings (as printed) they were formed with.
    package static func encode(_ formed: RankingUnits, warnings: [String]) -> [UInt8] {
        var w = ImageWriter(strings: 4096, bytes: 64 * 1024)
        w.count(warnings.count)
        for warning in warnings { w.string(warning) }
        write(formed.units, to: &w)
        write(formed.controlPoints, to: &w)
        let coverage = formed.coverage
        w.string(coverage.level.rawValue)
        w.count(coverage.unitsWithoutStation.count)
        for (city, unit) in coverage.unitsWithoutStation {
            w.string(city)
            w.string(unit)
        }
        write(coverage.stationsWithoutUnit, to: &w)
        write(coverage.notInListInForce, to: &w)
        w.count(coverage.controlPoints.count)
        for station in coverage.controlPoints { w.station(station) }
        w.int(coverage.sensors)
        w.u32(endMark)
        return w.bytes()
    }

    /// What `encode` wrote; nil for bytes that do not read as such (never a trap).
    package static func decode(_ bytes: [UInt8]) -> (units: RankingUnits, warnings: [String])? {
        bytes.withUnsafeBytes { buffer in
            do throws(ImageDamage) {
                var r = try ImageReader(buffer, from: 0)
                var warnings: [String] = []
                for _ in 0 ..< (try r.count()) { warnings.append(try r.string()) }
                let units = try readUnits(&r)
                let controlPoints = try readUnits(&r)
                var coverage = UnitCoverage(level: try level(&r))
                for _ in 0 ..< (try r.count()) { coverage.unitsWithoutStation.append((try r.string(), try r.string())) }
                coverage.stationsWithoutUnit = try readStationDays(&r)
                coverage.notInListInForce = try readStationDays(&r)
                for _ in 0 ..< (try r.count()) { coverage.controlPoints.append(try r.station()) }
                coverage.sensors = try r.int()
                guard try r.u32() == endMark, r.isAtEnd else { throw ImageDamage() }
                return (RankingUnits(units: units, controlPoints: controlPoints, coverage: coverage), warnings)
            } catch {
                return nil
            }
        }
    }

    private static let endMark: UInt32 = 0x544E_5552   // "RUNT"

    private static func write(_ units: [RankingUnit], to w: inout ImageWriter) {
        w.count(units.count)
        for unit in units {
            w.string(unit.name)
            w.string(unit.city)
            w.string(unit.level.rawValue)
            w.count(unit.periods.count)
            for period in unit.periods {
                write(period.days, to: &w)
                w.count(period.stations.count)
                for station in period.stations { w.station(station) }
            }
        }
    }

    private static func readUnits(_ r: inout ImageReader) throws(ImageDamage) -> [RankingUnit] {
        var units: [RankingUnit] = []
        for _ in 0 ..< (try r.count()) {
            let name = try r.string(), city = try r.string()
            let level = try level(&r)
            var periods: [RankingUnit.MemberPeriod] = []
            for _ in 0 ..< (try r.count()) {
                let days = try readDays(&r)
                var stations: [Station] = []
                for _ in 0 ..< (try r.count()) { stations.append(try r.station()) }
                periods.append(RankingUnit.MemberPeriod(days: days, stations: stations))
            }
            units.append(RankingUnit(name: name, city: city, level: level, periods: periods))
        }
        return units
    }

    private static func write(_ entries: [UnitCoverage.StationDays], to w: inout ImageWriter) {
        w.count(entries.count)
        for entry in entries {
            w.station(entry.station)
            w.bool(entry.unit != nil)
            w.string(entry.unit ?? "")
            w.count(entry.days.count)
            for days in entry.days { write(days, to: &w) }
        }
    }

    private static func readStationDays(_ r: inout ImageReader) throws(ImageDamage) -> [UnitCoverage.StationDays] {
        var entries: [UnitCoverage.StationDays] = []
        for _ in 0 ..< (try r.count()) {
            let station = try r.station()
            let hasUnit = try r.bool()
            let unit = try r.string()
            var days: [Range<Day>] = []
            for _ in 0 ..< (try r.count()) { days.append(try readDays(&r)) }
            entries.append(UnitCoverage.StationDays(station: station, unit: hasUnit ? unit : nil, days: days))
        }
        return entries
    }

    private static func write(_ days: Range<Day>, to w: inout ImageWriter) {
        w.int(days.lowerBound.index)
        w.int(days.upperBound.index)
    }

    private static func readDays(_ r: inout ImageReader) throws(ImageDamage) -> Range<Day> {
        let lower = try r.int(), upper = try r.int()
        // Day.representable's upper bound is a range's end too (a unit formed for every day).
        guard lower >= Day.representable.lowerBound, upper <= Day.representable.upperBound, lower <= upper else { throw ImageDamage() }
        return Day(lower) ..< Day(upper)
    }

    private static func level(_ r: inout ImageReader) throws(ImageDamage) -> RankingLevel {
        guard let level = RankingLevel(rawValue: try r.string()) else { throw ImageDamage() }
        return level
    }
}
