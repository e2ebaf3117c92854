/// haze's tables in ClickHouse. Every table is a `ReplacingMergeTree` whose
/// sorting key is what a row is *about*, with `version` (the export run)
/// deciding which copy counts: sending a row again — a retried batch, a run
/// after a lost cursor — adds nothing visible, and a corrected value replaces
/// the old one. Merges happen in the background, so readers take the newest
/// copy themselves: `FINAL`, or `argMax(column, version)` grouped by the key
/// (what `rank --engine clickhouse` does).
///
/// - `hourly`: one row per station, pollutant and hour — `hour` the start of
///   haze's hour label (UTC), `day` the assessment day in the store's calendar,
///   `value` µg/m³ (CO mg/m³) as stored, `valid` 1 when the store holds a value
///   (0: missing; such rows are sent only to withdraw a value sent before).
/// - `stations`: the registry's stations (name, city, control point) as on the newest exported day.
/// - `membership`: per layer (`city`, `district`, any layer of the registry),
///   station and day, the unit the station counts in that day — the national
///   list in force, memberships of the day; `unit` empty: not counted (not in
///   the list, a control point, no unit on the layer).
package enum ClickHouseSchema {
    package static func statements(database db: String) -> [String] {
        [
            "CREATE DATABASE IF NOT EXISTS \(db)",
            """
            CREATE TABLE IF NOT EXISTS \(db).hourly (station String, pollutant String, hour DateTime, day Date, \
            value Float64, valid UInt8, version UInt64) \
            ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMM(day) ORDER BY (station, pollutant, hour)
            """,
            """
            CREATE TABLE IF NOT EXISTS \(db).stations (station String, name String, city String, control UInt8, \
            version UInt64) ENGINE = ReplacingMergeTree(version) ORDER BY station
            """,
            """
            CREATE TABLE IF NOT EXISTS \(db).membership (layer String, station String, day Date, city String, unit String, \
            version UInt64) ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMM(day) ORDER BY (layer, station, day)
            """,
        ]
    }

    static let hourlyColumns = "station, pollutant, hour, day, value, valid, version"
    static let stationColumns = "station, name, city, control, version"
    static let membershipColumns = "layer, station, day, city, unit, version"
}

/// Rows in ClickHouse's RowBinary format: little-endian numbers, strings
/// as a LEB128 length and bytes, Date as days and DateTime as seconds since 1970.
struct RowBinary {
    var bytes: [UInt8] = []
    var rows = 0

    mutating func string(_ text: String) {
        var length = UInt64(text.utf8.count)
        repeat {
            var byte = UInt8(length & 0x7F)
            length >>= 7
            if length != 0 { byte |= 0x80 }
            bytes.append(byte)
        } while length != 0
        bytes.append(contentsOf: text.utf8)
    }

    mutating func uint8(_ value: UInt8) { bytes.append(value) }
    mutating func uint16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func uint32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func uint64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func float64(_ value: Double) { uint64(value.bitPattern) }
    mutating func endRow() { rows += 1 }
    mutating func reset() { bytes.removeAll(keepingCapacity: true); rows = 0 }
}
