import HazeModel

/// The header of a ring file (format 2), kept twice — at offset 0 and 2048,
/// in different disk sectors — each copy with its own CRC-32. Writers write
/// copy A, then copy B; a reader takes A if its checksum holds, else B. So a
/// torn or damaged copy never goes unnoticed and never makes the ring
/// unreadable while the other copy holds, and the bytes of a ring depend
/// only on its contents (a rebuild gives an identical file).
///
/// One copy (128 bytes, little-endian):
///
///     0    magic                      8 bytes ("HAZEHOUR" / "HAZEDAYS")
///     8    format version             u32 (2)
///     12   copy size                  u32 (128)
///     16   data offset                u64 (page-aligned)
///     24   row directory offset       u64
///     32   capacity in steps          u32
///     36   series capacity            u32 (slots per row)
///     40   series count               u32
///     44   zone offset, minutes       i32
///     48   newest step                i64 (Int64.min = empty)
///     56   cleared-through step       i64 (rows after it may hold stale data)
///     64   slot bytes                 u32 (2 hourly, 8 daily)
///     68   day convention             u32 (0: hours 0–23 of a date; 1: hours 1–24)
///     72   series table CRC-32        u32 (hourly ring; over the entries in use)
///     76   companion capacity         u32 (the other ring's capacity: hours in the
///                                     daily ring's header, days in the hourly's — so
///                                     either ring can be rebuilt to the store's shape)
///     80   reserved                   44 bytes, zero
///     124  CRC-32 of bytes 0..<124    u32
package struct RingHeader: Equatable, Sendable {
    package static let formatVersion: UInt32 = 2
    package static let copySize = 128
    package static let copyOffsets = [0, 2048]
    package static let regionSize = 4096

    package var magic: [UInt8]
    package var version: UInt32 = RingHeader.formatVersion
    package var dataOffset: Int
    package var directoryOffset: Int
    package var capacity: Int
    package var seriesCapacity: Int
    package var seriesCount: Int
    package var zoneMinutes: Int
    package var newest: Int64 = emptyStep
    package var cleared: Int64 = emptyStep
    package var slotBytes: Int
    package var dayConvention: DayConvention
    package var tableCRC: UInt32 = 0
    /// The other ring's capacity (see the layout above).
    package var companionCapacity: Int = 0
    /// Bytes 80..<124 of the copy, reserved: zero in format 2.
    package var reservedIsZero = true

    /// The zone (validated when the header is read; UTC stands in for a damaged field until then).
    package var zone: LocalZone { LocalZone(offsetMinutes: zoneMinutes) ?? .utc }
    package var geometry: RingGeometry {
        RingGeometry(capacity: capacity, seriesCapacity: seriesCapacity, slotBytes: slotBytes,
                     directoryOffset: directoryOffset, dataOffset: dataOffset)
    }

    /// Serialises one copy, CRC included.
    package func encoded() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Self.copySize)
        func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
            withUnsafeBytes(of: value.littleEndian) { raw in
                for (i, byte) in raw.enumerated() { bytes[offset + i] = byte }
            }
        }
        for (i, byte) in magic.prefix(8).enumerated() { bytes[i] = byte }
        put(version, at: 8)
        put(UInt32(Self.copySize), at: 12)
        put(UInt64(dataOffset), at: 16)
        put(UInt64(directoryOffset), at: 24)
        put(UInt32(truncatingIfNeeded: capacity), at: 32)
        put(UInt32(truncatingIfNeeded: seriesCapacity), at: 36)
        put(UInt32(truncatingIfNeeded: seriesCount), at: 40)
        put(Int32(truncatingIfNeeded: zoneMinutes), at: 44)
        put(newest, at: 48)
        put(cleared, at: 56)
        put(UInt32(truncatingIfNeeded: slotBytes), at: 64)
        put(dayConvention.rawValue, at: 68)
        put(tableCRC, at: 72)
        put(UInt32(truncatingIfNeeded: companionCapacity), at: 76)
        put(CRC32.checksum(Array(bytes[0..<124])), at: 124)
        return bytes
    }

    /// What a copy in a file says, if its CRC holds.
    package static func decode(_ file: MappedFile, at offset: Int) -> RingHeader? {
        guard file.contains(offset, copySize) else { return nil }
        let stored = file.u32(offset + 124)
        guard CRC32.checksum(file.buffer(offset, 124)) == stored, file.u32(offset + 12) == UInt32(copySize) else {
            return nil
        }
        func int(_ value: UInt64) -> Int? { value <= UInt64(Int.max) ? Int(value) : nil }
        guard let dataOffset = int(file.u64(offset + 16)), let directoryOffset = int(file.u64(offset + 24)),
              let convention = DayConvention(rawValue: file.u32(offset + 68)) else { return nil }
        return RingHeader(magic: file.bytes(offset ..< offset + 8), version: file.u32(offset + 8),
                          dataOffset: dataOffset, directoryOffset: directoryOffset,
                          capacity: Int(file.u32(offset + 32)), seriesCapacity: Int(file.u32(offset + 36)),
                          seriesCount: Int(file.u32(offset + 40)), zoneMinutes: Int(file.i32(offset + 44)),
                          newest: file.i64(offset + 48), cleared: file.i64(offset + 56),
                          slotBytes: Int(file.u32(offset + 64)), dayConvention: convention,
                          tableCRC: file.u32(offset + 72), companionCapacity: Int(file.u32(offset + 76)),
                          reservedIsZero: file.buffer(offset + 80, 44).allSatisfy { $0 == 0 })
    }

    /// Writes both copies (A, then B).
    package func write(to file: MappedFile) {
        let bytes = encoded()
        for offset in Self.copyOffsets { file.setBytes(offset, bytes) }
    }

    /// Reads the header of a ring file: copy A if its checksum holds, else
    /// copy B, validated against the file; the second element says whether
    /// the other copy was damaged or stale (for `haze check`).
    package static func read(_ file: MappedFile, magic: [UInt8], slotBytes: Int,
                             layout: (RingHeader) -> RingGeometry) throws(StoreError) -> (RingHeader, copyTrouble: String?) {
        guard file.length >= regionSize else {
            if file.length >= 8, file.bytes(0 ..< 8) != magic { throw .badMagic(path: file.path) }
            throw .corrupt(path: file.path, detail: "file is \(file.length) bytes, shorter than its header (truncated?)")
        }
        let copies = copyOffsets.map { decode(file, at: $0) }
        let valid = copies.compactMap { $0 }
        guard let best = copies[0] ?? copies[1] else {
            // No copy holds: an old format, another file, or a damaged header.
            if file.bytes(0 ..< 8) == magic, file.u32(8) == 1 { throw .formatUpgradeNeeded(path: file.path, found: 1) }
            if file.bytes(0 ..< 8) != magic && file.bytes(2048 ..< 2056) != magic { throw .badMagic(path: file.path) }
            throw .corrupt(path: file.path, detail: "both copies of the header fail their checksum")
        }
        guard best.magic == magic else { throw .badMagic(path: file.path) }
        guard best.version <= formatVersion else {
            throw .newerVersion(path: file.path, found: Int(best.version), supported: Int(formatVersion))
        }
        // A copy whose checksum holds is of the format-2 layout whatever its version field says:
        // an older version there is a damaged field, not an old file (format 1 has no such copy).
        guard best.version == formatVersion else {
            throw .corrupt(path: file.path, detail: "header: version \(best.version) in a format-\(formatVersion) header")
        }
        try best.validate(file: file, slotBytes: slotBytes, layout: layout)
        var trouble: String?
        if copies.contains(where: { $0 == nil }) {
            trouble = "one copy of the header fails its checksum (the other holds)"
        } else if valid.count == 2 && valid[0] != valid[1] {
            trouble = "the two copies of the header differ (an interrupted header write)"
        }
        return (best, trouble)
    }

    /// Every field checked against the others and the file: a damaged field
    /// is refused, never used to address the file or move the window.
    package func validate(file: MappedFile, slotBytes expectedSlotBytes: Int,
                          layout: (RingHeader) -> RingGeometry) throws(StoreError) {
        func damaged(_ detail: String) -> StoreError { .corrupt(path: file.path, detail: "header: " + detail) }
        guard slotBytes == expectedSlotBytes else { throw damaged("slot size \(slotBytes), expected \(expectedSlotBytes)") }
        guard reservedIsZero, slotBytes == 2 || (tableCRC == 0 && seriesCount == 0) else { throw damaged("reserved fields are not zero") }
        guard (1 ... RingGeometry.maximumCapacity).contains(companionCapacity) else {
            throw damaged("companion capacity \(companionCapacity) outside 1…\(RingGeometry.maximumCapacity)")
        }
        guard (1 ... RingGeometry.maximumCapacity).contains(capacity) else {
            throw damaged("capacity \(capacity) outside 1…\(RingGeometry.maximumCapacity)")
        }
        guard (1 ... RingGeometry.maximumSeries).contains(seriesCapacity) else {
            throw damaged("series capacity \(seriesCapacity) outside 1…\(RingGeometry.maximumSeries)")
        }
        guard seriesCount <= seriesCapacity else { throw damaged("series count \(seriesCount) exceeds the series capacity \(seriesCapacity)") }
        guard LocalZone(offsetMinutes: zoneMinutes) != nil else {
            throw damaged("zone offset \(zoneMinutes) minutes is not a whole hour within ±14 h")
        }
        let expected = layout(self)
        guard directoryOffset == expected.directoryOffset, dataOffset == expected.dataOffset else {
            throw damaged("row directory at \(directoryOffset) and rows at \(dataOffset) do not match the layout (\(expected.directoryOffset), \(expected.dataOffset))")
        }
        guard file.length >= expected.fileLength else {
            throw damaged("file is \(file.length) bytes but its header needs \(expected.fileLength) (truncated?)")
        }
        if newest == emptyStep || cleared == emptyStep {
            guard newest == emptyStep && cleared == emptyStep else { throw damaged("newest and cleared-through steps disagree about emptiness") }
        } else {
            let plausible = RingGeometry.plausibleSteps(slotBytes: slotBytes)
            guard plausible.contains(newest) else { throw damaged("newest step \(newest) is outside the supported calendar") }
            guard cleared <= newest, plausible.contains(cleared) else {
                throw damaged("cleared-through step \(cleared) is after the newest step \(newest) or outside the calendar")
            }
        }
    }
}

/// The sentinel for "no step written yet" in a ring header.
package let emptyStep = Int64.min
