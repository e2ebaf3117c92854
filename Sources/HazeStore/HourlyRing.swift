import HazeModel

/// The hourly ring: a slot per (hour, series), one row per hour.
///
/// Beyond the common ring header (see `RingFile`), the hourly file holds the
/// series table, and its field 24 is the series count:
///
///     0   magic "HAZEHOUR"
///     24  series count              u32
///     48  reserved                  16 bytes, zero
///     64  series table              series capacity × 32 bytes:
///                                   station code (24 bytes UTF-8, NUL-padded),
///                                   pollutant (u8: 1 = PM2.5, 2 = PM10), 7 bytes zero
///     data offset: rows             capacity × series capacity × u16
///
/// Slot value = concentration in µg/m³ + 1 (1…10001); 0 means missing, so a
/// freshly allocated file is all-missing.
final class HourlyRing: @unchecked Sendable {
    static let magic: [UInt8] = Array("HAZEHOUR".utf8)
    static let tableOffset = 64
    static let tableEntryBytes = 32
    /// Largest storable concentration in µg/m³ (sandstorms pass 8000).
    static let maximumValue = Pollutant.maximumConcentration

    let ring: RingFile<Hour>
    var file: MappedFile { ring.file }
    var geometry: RingGeometry { ring.geometry }
    var zone: LocalZone { ring.zone }
    var path: String { ring.path }

    /// Creates a new ring file holding `series` (in order) and no values.
    init(creating path: String, capacity: Int, seriesCapacity: Int, zone: LocalZone,
         series: [SeriesKey]) throws(StoreError) {
        let dataOffset = RingGeometry.roundUpToPage(Self.tableOffset + seriesCapacity * Self.tableEntryBytes)
        ring = try RingFile(creating: path, magic: Self.magic,
                            geometry: RingGeometry(capacity: capacity, seriesCapacity: seriesCapacity,
                                                   slotBytes: 2, dataOffset: dataOffset),
                            zone: zone)
        for (i, key) in series.enumerated() { writeTableEntry(i, key) }
        file.setU32(RingHeaderField.seriesCount, UInt32(series.count))
    }

    /// Opens and validates an existing ring file.
    init(opening path: String, writable: Bool) throws(StoreError) {
        ring = try RingFile(opening: path, writable: writable, magic: Self.magic, slotBytes: 2) {
            Self.tableOffset + $0.seriesCapacity * Self.tableEntryBytes
        }
        guard seriesCount <= geometry.seriesCapacity else {
            throw .corrupt(path: path, detail: "series count \(seriesCount) exceeds the series table (\(geometry.seriesCapacity))")
        }
    }

    var seriesCount: Int { Int(file.u32(RingHeaderField.seriesCount)) }
    var newest: Hour? { ring.newest }
    var presentHours: ClosedRange<Hour>? { ring.presentSteps }

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
        file.setU32(RingHeaderField.seriesCount, UInt32(index + 1))
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

    func syncHeaderAndTable() throws(StoreError) { try file.sync(0 ..< geometry.dataOffset) }

    // MARK: Slots

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
}
