import Foundation
import HazeModel
import HazeRegistry
import HazeStore
import HazeAssessment

/// `haze export clickhouse`: a store's hourly values, with the station
/// metadata and each day's unit memberships from the registry in force, into
/// ClickHouse over its HTTP interface (tables: `ClickHouseSchema`).
///
/// Idempotent: every row replaces by key (station × pollutant × hour; layer ×
/// station × day; station), so sending again adds nothing visible.
/// Incremental: a cursor under the store (`ClickHouseCursor`) holds the
/// checksum of every hour's row sent; a run sends only hours whose row is new
/// or changed (a changed hour in full, withdrawn values as `valid = 0`), and
/// the memberships of days whose registry view changed. Batches hold at most
/// `batchRows` rows; the cursor is saved after each batch ClickHouse
/// confirmed, so a fault mid-way loses nothing (the next run resends the
/// unconfirmed hours) and duplicates nothing visible.
public struct ClickHouseExport: Sendable {
    /// The pollutants whose hourly values are sent; the others are left out of `hourly`.
    public var pollutants: [Pollutant]
    /// Rows per INSERT (1 000 … 1 000 000).
    public var batchRows: Int
    /// The cursor's name under `<store>/export/clickhouse/`.
    public var cursorName: String

    /// What a run sent.
    public struct Summary: Sendable, Equatable {
        /// Hours sent: those whose row is new or changed since the last run.
        public var hoursSent = 0
        /// Hours in the window left alone: their row is unchanged since the last run.
        public var hoursUnchanged = 0
        /// Hourly rows sent, with or without a value.
        public var rows = 0
        /// Hourly rows sent with a value (`valid = 1`); the rest withdraw a value sent before.
        public var values = 0
        /// Rows of `membership` sent (layer × station × day), for days whose registry view changed.
        public var membershipRows = 0
        /// Rows of `stations` sent: every station of the registry when the list changed, else none.
        public var stationRows = 0
        /// INSERT statements ClickHouse confirmed.
        public var batches = 0
        /// Bytes of the rows of those statements.
        public var bytes = 0
        /// The version the rows carry.
        public var version: UInt64 = 0
        /// The cursor file's path (under `<store>/export/clickhouse/`), saved after each confirmed batch.
        public var cursor = ""
    }

    /// An export of `pollutants`, at most `batchRows` rows per INSERT, with its cursor named `cursorName`.
    public init(pollutants: [Pollutant] = Pollutant.allCases, batchRows: Int = 100_000, cursorName: String = "clickhouse") {
        self.pollutants = pollutants
        self.batchRows = batchRows
        self.cursorName = cursorName
    }

    /// Sends what the target lacks. `log` hears about retried attempts and each batch.
    public func run(storeDirectory: String, registry: StationRegistry, target: ClickHouseTarget,
                    log: (String) -> Void = { _ in }) throws -> Summary {
        try run(storeDirectory: storeDirectory, registry: registry, connection: ClickHouseConnection(target: target), log: log)
    }

    package func run(storeDirectory: String, registry: StationRegistry, connection: ClickHouseConnection,
                     log: (String) -> Void = { _ in }) throws -> Summary {
        let target = connection.target
        let db = target.database
        let cursorPath = try ClickHouseCursor.path(storeDirectory: storeDirectory, name: cursorName)
        var cursor = try ClickHouseCursor.load(path: cursorPath, target: target.identity)
        var summary = Summary(cursor: cursorPath)
        let limit = min(max(batchRows, 1), 10_000_000)

        // What the store holds now: each hour's checksum.
        struct Plan { var hours: [(hour: Hour, hash: UInt64)]; var seriesCount: Int; var calendar: DayCalendar }
        let plan = try Store.readConsistently(directory: storeDirectory) { store -> Plan in
            guard let first = store.hourlyWindow?.lowerBound, let newest = store.newestHour else {
                throw QueryError.noData("the store at \(store.directory) is empty; ingest data first")
            }
            var hours: [(Hour, UInt64)] = []
            for hour in first ... newest {
                // A damaged entry is planned as changed; sending verifies the row and stops there.
                hours.append((hour, store.recordedHash(hour) ?? UInt64.max))
            }
            return Plan(hours: hours, seriesCount: store.series.count, calendar: store.calendar)
        }
        // Hours that hold values now, or held them when last sent.
        let held = plan.hours.filter { $0.hash != 0 || cursor.hours[String($0.hour.index)] != nil }
        guard let firstHour = held.first?.hour, let lastHour = held.last?.hour else {
            throw QueryError.noData("the store's hourly window holds no values; ingest data first")
        }
        for hour in [firstHour, lastHour] {
            guard hour.index >= 0, hour.index * 3600 <= Int(UInt32.max) else {
                throw ClickHouseError.data("hour \(plan.calendar.zone.format(hour)) is outside what ClickHouse's DateTime holds (1970–2105); nothing was sent")
            }
        }

        var saver = ClickHouseCursor.Saver(path: cursorPath)
        do {
        for statement in ClickHouseSchema.statements(database: db) { try connection.run(statement, log: log) }
        let version = max(cursor.version &+ 1, UInt64(Date().timeIntervalSince1970 * 1000))
        summary.version = version

        // Stations, as the list in force on the newest day has them.
        let days = plan.calendar.day(of: firstHour) ... plan.calendar.day(of: lastHour)
        var stationRows = RowBinary()
        for known in registry.stations.sorted(by: { $0.code < $1.code }) {
            let station = registry.station(known.code, on: days.upperBound) ?? known
            stationRows.string(station.code)
            stationRows.string(station.name)
            stationRows.string(station.city)
            stationRows.uint8(station.isControl ? 1 : 0)
            stationRows.endRow()
        }
        let stationHash = ClickHouseCursor.hex(StableHash.fnv1a(stationRows.bytes))
        if cursor.stations != stationHash, stationRows.rows > 0 {
            var rows = RowBinary()
            // The same rows with this run's version after each.
            rows.bytes.reserveCapacity(stationRows.bytes.count + 8 * stationRows.rows)
            for known in registry.stations.sorted(by: { $0.code < $1.code }) {
                let station = registry.station(known.code, on: days.upperBound) ?? known
                rows.string(station.code); rows.string(station.name); rows.string(station.city)
                rows.uint8(station.isControl ? 1 : 0); rows.uint64(version); rows.endRow()
            }
            try insert(rows, into: "\(db).stations", columns: ClickHouseSchema.stationColumns, connection, &summary, log)
            summary.stationRows = rows.rows
            cursor.stations = stationHash
            cursor.version = version
            try saver.save(cursor)
        }

        // Memberships, per day of the window.
        try sendMemberships(days: days, registry: registry, version: version, db: db, connection: connection,
                            cursor: &cursor, saver: &saver, summary: &summary, limit: limit, log: log)

        // Hours whose row is new or changed.
        let window = Set(plan.hours.map { String($0.hour.index) })
        cursor.hours = cursor.hours.filter { window.contains($0.key) }
        let changed = held.filter { cursor.hours[String($0.hour.index)] != ClickHouseCursor.hex($0.hash) }
        summary.hoursUnchanged = held.count - changed.count
        let wanted = Set(pollutants)
        let hoursPerChunk = max(1, limit / max(1, plan.seriesCount))
        var start = 0
        while start < changed.count {
            let chunk = Array(changed[start ..< min(start + hoursPerChunk, changed.count)])
            start += chunk.count
            let previous = cursor.hours
            let (batches, sent) = try Store.readConsistently(directory: storeDirectory) { store -> ([RowBinary], [(Hour, UInt64, Int)]) in
                var batches: [RowBinary] = [RowBinary()]
                var sent: [(Hour, UInt64, Int)] = []
                let keys = store.series.indices.filter { wanted.contains(store.series[$0].pollutant) }
                for (hour, _) in chunk {
                    guard let (hash, row) = try store.verifiedHour(hour) else { continue }
                    let resend = previous[String(hour.index)] != nil
                    let seconds = UInt32(hour.index * 3600)
                    let day = UInt16(clamping: plan.calendar.day(of: hour).index)
                    var values = 0
                    for s in keys {
                        let stored = row[s]
                        guard stored != nil || resend else { continue }
                        let key = store.series[s]
                        if batches[batches.count - 1].rows >= limit { batches.append(RowBinary()) }
                        batches[batches.count - 1].string(key.station)
                        batches[batches.count - 1].string(key.pollutant.displayName)
                        batches[batches.count - 1].uint32(seconds)
                        batches[batches.count - 1].uint16(day)
                        batches[batches.count - 1].float64(stored.map { key.pollutant.displayValue(Double($0)) } ?? 0)
                        batches[batches.count - 1].uint8(stored == nil ? 0 : 1)
                        batches[batches.count - 1].uint64(version)
                        batches[batches.count - 1].endRow()
                        if stored != nil { values += 1 }
                    }
                    sent.append((hour, hash, values))
                }
                return (batches, sent)
            }
            for batch in batches where batch.rows > 0 {
                try insert(batch, into: "\(db).hourly", columns: ClickHouseSchema.hourlyColumns, connection, &summary, log)
                summary.rows += batch.rows
            }
            for (hour, hash, values) in sent {
                cursor.hours[String(hour.index)] = ClickHouseCursor.hex(hash)
                summary.values += values
            }
            summary.hoursSent += sent.count
            cursor.version = version
            try saver.save(cursor)
        }
        try saver.save(cursor, now: true)
        return summary
        } catch {
            // What ClickHouse confirmed stays confirmed; the rest goes next time.
            try? saver.save(cursor, now: true)
            throw error
        }
    }

    /// Each day's membership rows: for every station of the registry and
    /// every level (`city` and each layer), the unit it counts in that day,
    /// empty when it counts in none. Days whose rows are unchanged since the
    /// last run are not sent.
    private func sendMemberships(days: ClosedRange<Day>, registry: StationRegistry, version: UInt64, db: String,
                                 connection: ClickHouseConnection, cursor: inout ClickHouseCursor, saver: inout ClickHouseCursor.Saver,
                                 summary: inout Summary, limit: Int, log: (String) -> Void) throws {
        let range = days.lowerBound ..< days.upperBound.advanced(by: 1)
        let levels = [RankingLevel.city] + registry.layers().compactMap(RankingLevel.init(rawValue:)).filter(\.isLayer)
        let codes = registry.stations.map(\.code).sorted()
        // level → day offset → station → (city, unit)
        var units: [[[String: (String, String)]]] = []
        for level in levels {
            var byDay = [[String: (String, String)]](repeating: [:], count: range.count)
            let formed = try registry.rankingUnits(level: level, city: nil, days: range)
            for unit in formed.units {
                for period in unit.periods {
                    for day in period.days.clamped(to: range) {
                        for station in period.stations { byDay[range.lowerBound.distance(to: day)][station.code] = (unit.city, unit.name) }
                    }
                }
            }
            units.append(byDay)
        }
        var batch = RowBinary()
        var pendingDays: [(String, String)] = []
        func flush() throws {
            guard batch.rows > 0 else { return }
            try insert(batch, into: "\(db).membership", columns: ClickHouseSchema.membershipColumns, connection, &summary, log)
            summary.membershipRows += batch.rows
            batch.reset()
            for (day, hash) in pendingDays { cursor.days[day] = hash }
            pendingDays.removeAll()
            cursor.version = version
            try saver.save(cursor)
        }
        let inWindow = Set(range.map { String($0.index) })
        cursor.days = cursor.days.filter { inWindow.contains($0.key) }
        for day in range {
            let offset = range.lowerBound.distance(to: day)
            var content = RowBinary()
            for (l, level) in levels.enumerated() {
                for code in codes {
                    let (city, unit) = units[l][offset][code] ?? (registry.station(code, on: day)?.city ?? registry[code]?.city ?? "", "")
                    content.string(level.rawValue); content.string(code); content.string(city); content.string(unit)
                }
            }
            let hash = ClickHouseCursor.hex(StableHash.fnv1a(content.bytes))
            guard cursor.days[String(day.index)] != hash else { continue }
            // A day sent before is sent in full, so a station no longer counted
            // replaces its old unit; a new day needs only the counted stations.
            let resend = cursor.days[String(day.index)] != nil
            for (l, level) in levels.enumerated() {
                for code in codes {
                    guard resend || units[l][offset][code] != nil else { continue }
                    let (city, unit) = units[l][offset][code] ?? (registry.station(code, on: day)?.city ?? registry[code]?.city ?? "", "")
                    batch.string(level.rawValue); batch.string(code); batch.uint16(UInt16(clamping: day.index))
                    batch.string(city); batch.string(unit); batch.uint64(version); batch.endRow()
                }
            }
            pendingDays.append((String(day.index), hash))
            if batch.rows >= limit { try flush() }
        }
        try flush()
    }

    private func insert(_ rows: RowBinary, into table: String, columns: String, _ connection: ClickHouseConnection,
                        _ summary: inout Summary, _ log: (String) -> Void) throws {
        try connection.run("INSERT INTO \(table) (\(columns)) FORMAT RowBinary", body: rows.bytes,
                           label: "INSERT INTO \(table)", log: log)
        summary.batches += 1
        summary.bytes += rows.bytes.count
        log("sent \(rows.rows) rows to \(table)")
    }
}
