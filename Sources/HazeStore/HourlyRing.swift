import HazeModel

/// The hourly ring: a 2-byte slot per (hour, series), one row per hour.
///
/// Beyond the common layout (see `RingFile`, `RingHeader`), the hourly file
/// holds the series table at 4096:
///
///     per series, 32 bytes: station code (24 bytes UTF-8, NUL-padded),
///                           pollutant (u8: 1 PM2.5, 2 PM10, 3 SO2, 4 NO2, 5 CO, 6 O3),
///                           7 bytes zero
///
/// Slot value = the reading in the pollutant's stored unit + 1 (µg/m³, CO in
/// tenths of mg/m³; 1…10001); 0 means missing, so a freshly allocated file is
/// all-missing. A slot above 10001 is damage and is never read as a value.
package final class HourlyRing {
    package static let magic: [UInt8] = Array("HAZEHOUR".utf8)
    package static let tableOffset = RingHeader.regionSize
    package static let tableEntryBytes = 32
    /// Largest storable reading (sandstorms pass 8000 µg/m³).
    package static let maximumValue = Pollutant.maximumConcentration
    package static let maximumRaw = UInt64(maximumValue + 1)

    package let ring: RingFile<Hour>
    package var file: MappedFile { ring.file }
    package var geometry: RingGeometry { ring.geometry }
    package var zone: LocalZone { ring.zone }
    package var path: String { ring.path }

    package static func layout(_ header: RingHeader) -> RingGeometry {
        RingGeometry.layout(capacity: header.capacity, seriesCapacity: header.seriesCapacity, slotBytes: 2,
                            tableEntryBytes: tableEntryBytes)
    }

    /// Creates a new ring file holding `series` (in order) and no values.
    package init(creating path: String, capacity: Int, seriesCapacity: Int, calendar: DayCalendar,
                 dailyCapacity: Int, series: [SeriesKey]) throws(StoreError) {
        let geometry = RingGeometry.layout(capacity: capacity, seriesCapacity: seriesCapacity, slotBytes: 2,
                                           tableEntryBytes: Self.tableEntryBytes)
        let header = RingHeader(magic: Self.magic, dataOffset: geometry.dataOffset, directoryOffset: geometry.directoryOffset,
                                capacity: capacity, seriesCapacity: seriesCapacity, seriesCount: 0,
                                zoneMinutes: calendar.zone.offsetMinutes, slotBytes: 2, dayConvention: calendar.convention, companionCapacity: dailyCapacity)
        ring = try RingFile(creating: path, header: header)
        for (i, key) in series.enumerated() { writeTableEntry(i, key) }
        ring.updateHeader { $0.seriesCount = series.count; $0.tableCRC = tableChecksum(count: series.count) }
    }

    /// Opens and validates an existing ring file (header and series table checksums).
    package init(opening path: String, writable: Bool) throws(StoreError) {
        ring = try RingFile(opening: path, writable: writable, magic: Self.magic, slotBytes: 2, layout: Self.layout)
        guard tableChecksum(count: seriesCount) == ring.header.tableCRC else {
            throw .corrupt(path: path, detail: "the series table fails its checksum")
        }
    }

    package var seriesCount: Int { ring.header.seriesCount }
    package var newest: Hour? { ring.newest }
    package var presentHours: ClosedRange<Hour>? { ring.presentSteps }

    // MARK: Series table

    package func tableEntry(_ index: Int) -> SeriesKey? {
        var previous: (bytes: UnsafeRawBufferPointer, code: String)?
        return tableEntry(index, previous: &previous)
    }

    /// The entry at `index`, reading its code in place; `previous` (the code
    /// read last, and its bytes) is reused when this entry names the same
    /// station, as a station's consecutive series do: no copy, no new string.
    private func tableEntry(_ index: Int, previous: inout (bytes: UnsafeRawBufferPointer, code: String)?) -> SeriesKey? {
        let offset = Self.tableOffset + index * Self.tableEntryBytes
        let field = file.buffer(offset, SeriesKey.maximumCodeLength)
        let length = field.firstIndex(of: 0) ?? field.count
        guard length > 0, let pollutant = Pollutant(rawValue: file.u8(offset + 24)) else { return nil }
        let bytes = UnsafeRawBufferPointer(rebasing: field[0 ..< length])
        if let previous, previous.bytes.elementsEqual(bytes) {
            return SeriesKey(station: previous.code, pollutant: pollutant)
        }
        guard let code = bytes.withMemoryRebound(to: UInt8.self, { String(validating: $0, as: UTF8.self) }) else { return nil }
        previous = (bytes, code)
        return SeriesKey(station: code, pollutant: pollutant)
    }

    private func writeTableEntry(_ index: Int, _ key: SeriesKey) {
        let offset = Self.tableOffset + index * Self.tableEntryBytes
        var entry = [UInt8](repeating: 0, count: Self.tableEntryBytes)
        for (i, b) in key.station.utf8.prefix(SeriesKey.maximumCodeLength).enumerated() { entry[i] = b }
        entry[24] = key.pollutant.rawValue
        file.setBytes(offset, entry)
    }

    /// The checksum of the first `count` entries of the table (nil when the file is too short for them).
    package func tableChecksum(count: Int) -> UInt32 {
        CRC32.checksum(file.buffer(Self.tableOffset, count * Self.tableEntryBytes))
    }

    /// Writes the entries of `keys` from entry `first` on (the caller has
    /// checked the capacity), beyond what the header counts: no reader sees
    /// them, and a crash leaves at worst unused entries, until `countSeries`.
    package func appendSeries(_ keys: [SeriesKey], at first: Int) {
        for (i, key) in keys.enumerated() { writeTableEntry(first + i, key) }
    }

    /// Makes the header count the first `count` entries (with their checksum).
    package func countSeries(_ count: Int) {
        ring.updateHeader { $0.seriesCount = count; $0.tableCRC = tableChecksum(count: count) }
    }

    package func allSeries() throws(StoreError) -> [SeriesKey] {
        var keys: [SeriesKey] = []
        keys.reserveCapacity(seriesCount)
        var previous: (bytes: UnsafeRawBufferPointer, code: String)?
        for i in 0 ..< seriesCount {
            guard let key = tableEntry(i, previous: &previous) else {
                throw .corrupt(path: path, detail: "series table entry \(i) is unreadable")
            }
            keys.append(key)
        }
        return keys
    }

    // MARK: Slots

    /// The raw slot (0 = missing) of `series` at `hour`; the caller checks the window and the series.
    @inline(__always) package func raw(_ hour: Hour, _ series: Int) -> UInt16 {
        file.u16(geometry.offset(step: hour.index, series: series))
    }

    @inline(__always) package func setRaw(_ hour: Hour, _ series: Int, _ value: UInt16) {
        file.setU16(geometry.offset(step: hour.index, series: series), value)
    }

    /// A raw slot is a value the ring can hold.
    @inline(__always) package static func isValidRaw(_ raw: UInt64) -> Bool { raw <= maximumRaw }

    /// The same, in the form ring checks take (every pollutant's slot has one range).
    @inline(__always) package static func isValidRaw(_ raw: UInt64, code: UInt8) -> Bool { raw <= maximumRaw }

    /// The same with the largest value given (`maximumValue`, read once before a loop over a row).
    @inline(__always) package static func isValidRaw(_ raw: UInt64, code: UInt8, maximum: UInt64) -> Bool { raw <= maximum &+ 1 }
}
