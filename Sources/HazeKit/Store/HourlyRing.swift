#if canImport(Glibc)
import Glibc
#endif

/// The hourly ring: one memory-mapped file, a slot per (hour, series).
///
/// Layout (all integers little-endian):
///
///     0   magic "HAZEHOUR"          8 bytes
///     8   format version            u32 (1)
///     12  data offset               u32 (multiple of 4096)
///     16  capacity in hours         u32
///     20  series capacity           u32 (slots per row)
///     24  series count              u32
///     28  zone offset, minutes      i32 (480 = UTC+8)
///     32  newest hour               i64 (hours since 1970-01-01T00Z; Int64.min = empty)
///     40  cleared-through hour      i64 (rows after it may still hold stale data)
///     48  reserved                  16 bytes, zero
///     64  series table              series capacity × 32 bytes:
///                                   station code (24 bytes UTF-8, NUL-padded),
///                                   pollutant (u8: 1 = PM2.5, 2 = PM10), 7 bytes zero
///     data offset: rows             capacity × series capacity × u16
///
/// Slot value = concentration in µg/m³ + 1 (1…10001); 0 means missing, so a
/// freshly allocated file is all-missing. Hour `h` lives in row `h mod capacity`.
final class HourlyRing: @unchecked Sendable {
    static let magic: [UInt8] = Array("HAZEHOUR".utf8)
    static let formatVersion = 1
    static let tableOffset = 64
    static let tableEntryBytes = 32
    static let missing: UInt16 = 0
    /// Largest storable concentration in µg/m³ (sandstorms pass 8000).
    static let maximumValue = 10_000

    let file: MappedFile
    let geometry: RingGeometry
    let zone: LocalZone

    var path: String { file.path }

    private enum Field {
        static let version = 8, dataOffset = 12, capacity = 16, seriesCapacity = 20
        static let seriesCount = 24, zone = 28, newest = 32, cleared = 40
    }

    /// Creates a new ring file holding `series` (in order) and no values.
    static func create(path: String, capacity: Int, seriesCapacity: Int, zone: LocalZone,
                       series: [SeriesKey]) throws(StoreError) -> HourlyRing {
        let dataOffset = RingGeometry.roundUpToPage(tableOffset + seriesCapacity * tableEntryBytes)
        let geometry = RingGeometry(capacity: capacity, seriesCapacity: seriesCapacity, slotBytes: 2,
                                    dataOffset: dataOffset)
        let file = try MappedFile(creating: path, length: geometry.fileLength)
        file.setBytes(0, magic)
        file.setU32(Field.version, UInt32(formatVersion))
        file.setU32(Field.dataOffset, UInt32(dataOffset))
        file.setU32(Field.capacity, UInt32(capacity))
        file.setU32(Field.seriesCapacity, UInt32(seriesCapacity))
        file.setI32(Field.zone, Int32(zone.offsetMinutes))
        file.setI64(Field.newest, emptyStep)
        file.setI64(Field.cleared, emptyStep)
        let ring = HourlyRing(file: file, geometry: geometry, zone: zone)
        for (i, key) in series.enumerated() { ring.writeTableEntry(i, key) }
        file.setU32(Field.seriesCount, UInt32(series.count))
        return ring
    }

    private init(file: MappedFile, geometry: RingGeometry, zone: LocalZone) {
        self.file = file
        self.geometry = geometry
        self.zone = zone
    }

    /// Opens and validates an existing ring file.
    convenience init(opening path: String, writable: Bool) throws(StoreError) {
        let file = try MappedFile(openingExisting: path, writable: writable)
        guard file.length >= Self.tableOffset, file.bytes(0..<8) == Self.magic else { throw .badMagic(path: path) }
        let version = Int(file.u32(Field.version))
        guard version <= Self.formatVersion else {
            throw .newerVersion(path: path, found: version, supported: Self.formatVersion)
        }
        guard version >= 1 else { throw .corrupt(path: path, detail: "format version 0") }
        let geometry = RingGeometry(capacity: Int(file.u32(Field.capacity)),
                                    seriesCapacity: Int(file.u32(Field.seriesCapacity)),
                                    slotBytes: 2, dataOffset: Int(file.u32(Field.dataOffset)))
        let minimumOffset = Self.tableOffset + geometry.seriesCapacity * Self.tableEntryBytes
        guard geometry.capacity > 0, geometry.dataOffset >= minimumOffset, geometry.dataOffset % RingGeometry.pageSize == 0 else {
            throw .corrupt(path: path, detail: "header geometry is inconsistent (capacity \(geometry.capacity), data offset \(geometry.dataOffset))")
        }
        guard file.length >= geometry.fileLength else {
            throw .corrupt(path: path, detail: "file is \(file.length) bytes but its header needs \(geometry.fileLength) (truncated?)")
        }
        let count = Int(file.u32(Field.seriesCount))
        guard count <= geometry.seriesCapacity else {
            throw .corrupt(path: path, detail: "series count \(count) exceeds the series table (\(geometry.seriesCapacity))")
        }
        let zoneMinutes = Int(file.i32(Field.zone))
        guard zoneMinutes % 60 == 0, abs(zoneMinutes) <= 14 * 60 else {
            throw .corrupt(path: path, detail: "zone offset \(zoneMinutes) minutes is not a whole hour")
        }
        self.init(file: file, geometry: geometry, zone: LocalZone(offsetMinutes: zoneMinutes))
    }

    // MARK: Header

    var seriesCount: Int { Int(file.u32(Field.seriesCount)) }

    var newest: Hour? {
        let raw = file.i64(Field.newest)
        return raw == emptyStep ? nil : Hour(Int(raw))
    }

    var clearedThrough: Hour? {
        let raw = file.i64(Field.cleared)
        return raw == emptyStep ? nil : Hour(Int(raw))
    }

    func setNewest(_ hour: Hour) { file.setI64(Field.newest, Int64(hour.index)) }
    func setClearedThrough(_ hour: Hour) { file.setI64(Field.cleared, Int64(hour.index)) }
    func syncHeader() throws(StoreError) { try file.sync(0 ..< Self.tableOffset) }

    // MARK: Series table

    func tableEntry(_ index: Int) -> SeriesKey? {
        let offset = Self.tableOffset + index * Self.tableEntryBytes
        var codeBytes = file.bytes(offset ..< offset + SeriesKey.maximumCodeLength)
        if let end = codeBytes.firstIndex(of: 0) { codeBytes.removeSubrange(end...) }
        guard !codeBytes.isEmpty, let code = String(validating: codeBytes, as: UTF8.self),
              let pollutant = Pollutant(rawValue: file.base.load(fromByteOffset: offset + 24, as: UInt8.self))
        else { return nil }
        return SeriesKey(station: code, pollutant: pollutant)
    }

    func writeTableEntry(_ index: Int, _ key: SeriesKey) {
        let offset = Self.tableOffset + index * Self.tableEntryBytes
        var entry = [UInt8](repeating: 0, count: Self.tableEntryBytes)
        for (i, b) in key.station.utf8.prefix(SeriesKey.maximumCodeLength).enumerated() { entry[i] = b }
        entry[24] = key.pollutant.rawValue
        file.setBytes(offset, entry)
    }

    /// Appends a series; the caller has checked the capacity. The entry is
    /// written before the count, so a crash leaves at worst an unused entry.
    func appendSeries(_ key: SeriesKey) {
        let index = seriesCount
        writeTableEntry(index, key)
        file.setU32(Field.seriesCount, UInt32(index + 1))
    }

    func allSeries() throws(StoreError) -> [SeriesKey] {
        var keys: [SeriesKey] = []
        keys.reserveCapacity(seriesCount)
        for i in 0..<seriesCount {
            guard let key = tableEntry(i) else {
                throw .corrupt(path: path, detail: "series table entry \(i) is unreadable")
            }
            keys.append(key)
        }
        return keys
    }

    // MARK: Slots

    /// The hours whose rows hold data: `(newest - capacity, newest]`, minus any
    /// rows a crash left uncleared.
    var presentHours: ClosedRange<Hour>? {
        guard let newest, let cleared = clearedThrough else { return nil }
        let top = min(newest, cleared)
        let bottom = newest.advanced(by: -geometry.capacity + 1)
        return bottom <= top ? bottom ... top : nil
    }

    /// The raw slot (0 = missing) of `series` at `hour`; the caller checks the window.
    @inline(__always) func raw(_ hour: Hour, _ series: Int) -> UInt16 {
        file.u16(geometry.offset(step: hour.index, series: series))
    }

    @inline(__always) func setRaw(_ hour: Hour, _ series: Int, _ value: UInt16) {
        file.setU16(geometry.offset(step: hour.index, series: series), value)
    }

    /// Pointer to the row holding `hour` (series capacity × u16).
    @inline(__always) func row(_ hour: Hour) -> UnsafePointer<UInt16> {
        UnsafePointer((file.base + geometry.dataOffset + geometry.row(hour.index) * geometry.rowBytes)
            .assumingMemoryBound(to: UInt16.self))
    }

    func byteRange(ofRow hour: Hour) -> Range<Int> {
        let start = geometry.dataOffset + geometry.row(hour.index) * geometry.rowBytes
        return start ..< start + geometry.rowBytes
    }

    /// Sets the rows of `hours` (at most one full turn) to missing.
    func clearRows(_ hours: ClosedRange<Hour>) {
        let count = min(hours.count, geometry.capacity)
        for i in 0..<count { file.zero(byteRange(ofRow: hours.lowerBound.advanced(by: i))) }
    }

    func syncData() throws(StoreError) { try file.sync(geometry.dataOffset ..< geometry.fileLength) }
}
