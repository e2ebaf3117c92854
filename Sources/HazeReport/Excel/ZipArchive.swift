import HazeModel

/// A ZIP archive (PKWARE APPNOTE 6.3, no ZIP64) built in memory: the
/// container of an `.xlsx` workbook. Each entry is stored or raw-deflated
/// (method 8, whichever is smaller) with its CRC-32, both through the system
/// zlib. Entries are written in the order added; the output depends only on
/// the entries and the timestamp, so the same workbook gives the same bytes.
public struct ZipArchive: Sendable {
    /// Why an archive cannot be written.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// An entry or the archive passes 4 GiB, or there are more than 65 535 entries
        /// (ZIP64 is not written).
        case tooLarge(String)
        case duplicateName(String)
        case compression(String)

        public var description: String {
            switch self {
            case .tooLarge(let what): "the workbook is too large for a ZIP without ZIP64: \(what)"
            case .duplicateName(let name): "two ZIP entries are named '\(name)'"
            case .compression(let detail): "deflate failed: \(detail)"
            }
        }
    }

    /// A local date and time as MS-DOS stores it (2-second resolution, years 1980–2107).
    package struct Timestamp: Sendable, Equatable {
        package var date: CivilDate
        package var hour: Int
        package var minute: Int
        package var second: Int

        package init(date: CivilDate, hour: Int = 0, minute: Int = 0, second: Int = 0) {
            self.date = date
            self.hour = hour
            self.minute = minute
            self.second = second
        }

        /// 1980-01-01 00:00, the earliest DOS time.
        package static let epoch = Timestamp(date: CivilDate(year: 1980, month: 1, day: 1) ?? CivilDate(dayNumber: 3652))

        var dosDate: UInt16 {
            let year = min(max(date.year, 1980), 2107) - 1980
            return UInt16(year << 9 | date.month << 5 | date.day)
        }

        var dosTime: UInt16 {
            UInt16(min(max(hour, 0), 23) << 11 | min(max(minute, 0), 59) << 5 | min(max(second, 0), 59) / 2)
        }
    }

    struct Entry {
        var name: [UInt8]
        var method: UInt16
        var crc: UInt32
        var size: Int
        var data: [UInt8]
    }

    var entries: [Entry] = []
    package var timestamp: Timestamp

    package init(timestamp: Timestamp = .epoch) {
        self.timestamp = timestamp
    }

    /// Adds a file; `name` is a relative path with `/` separators.
    package mutating func add(_ name: String, _ bytes: [UInt8]) throws(Failure) {
        let encoded = Array(name.utf8)
        guard !entries.contains(where: { $0.name == encoded }) else { throw .duplicateName(name) }
        guard bytes.count < Int(UInt32.max), encoded.count <= Int(UInt16.max) else { throw .tooLarge(name) }
        let deflated: [UInt8]
        do {
            deflated = try RawDeflate.compress(bytes)
        } catch {
            throw .compression(error.description)
        }
        let stored = deflated.count >= bytes.count
        entries.append(Entry(name: encoded, method: stored ? 0 : 8, crc: CRC32.checksum(bytes), size: bytes.count,
                             data: stored ? bytes : deflated))
    }

    /// The archive's bytes: local headers and data, the central directory, its end record.
    package func bytes() throws(Failure) -> [UInt8] {
        guard entries.count <= Int(UInt16.max) else { throw .tooLarge("\(entries.count) entries") }
        var out = [UInt8]()
        var offsets: [Int] = []
        for entry in entries {
            offsets.append(out.count)
            Self.put32(&out, 0x0403_4B50)
            Self.put16(&out, 20)                  // version needed: 2.0 (deflate)
            Self.put16(&out, Self.utf8Flag(entry.name))
            Self.put16(&out, entry.method)
            Self.put16(&out, timestamp.dosTime)
            Self.put16(&out, timestamp.dosDate)
            Self.put32(&out, entry.crc)
            Self.put32(&out, UInt32(entry.data.count))
            Self.put32(&out, UInt32(entry.size))
            Self.put16(&out, UInt16(entry.name.count))
            Self.put16(&out, 0)                   // no extra field
            out += entry.name
            out += entry.data
        }
        let directoryStart = out.count
        for (entry, offset) in zip(entries, offsets) {
            Self.put32(&out, 0x0201_4B50)
            Self.put16(&out, 20)                  // made by: MS-DOS, 2.0
            Self.put16(&out, 20)
            Self.put16(&out, Self.utf8Flag(entry.name))
            Self.put16(&out, entry.method)
            Self.put16(&out, timestamp.dosTime)
            Self.put16(&out, timestamp.dosDate)
            Self.put32(&out, entry.crc)
            Self.put32(&out, UInt32(entry.data.count))
            Self.put32(&out, UInt32(entry.size))
            Self.put16(&out, UInt16(entry.name.count))
            Self.put16(&out, 0)                   // extra
            Self.put16(&out, 0)                   // comment
            Self.put16(&out, 0)                   // disk
            Self.put16(&out, 0)                   // internal attributes
            Self.put32(&out, 0)                   // external attributes
            guard offset < Int(UInt32.max) else { throw .tooLarge("entry offset \(offset)") }
            Self.put32(&out, UInt32(offset))
            out += entry.name
        }
        let directorySize = out.count - directoryStart
        guard out.count < Int(UInt32.max) else { throw .tooLarge("\(out.count) bytes") }
        Self.put32(&out, 0x0605_4B50)
        Self.put16(&out, 0)
        Self.put16(&out, 0)
        Self.put16(&out, UInt16(entries.count))
        Self.put16(&out, UInt16(entries.count))
        Self.put32(&out, UInt32(directorySize))
        Self.put32(&out, UInt32(directoryStart))
        Self.put16(&out, 0)                       // no comment
        return out
    }

    /// General-purpose flag bit 11 when the name is not plain ASCII.
    static func utf8Flag(_ name: [UInt8]) -> UInt16 { name.allSatisfy { $0 < 0x80 } ? 0 : 0x0800 }

    static func put16(_ out: inout [UInt8], _ value: UInt16) {
        out.append(UInt8(value & 0xFF))
        out.append(UInt8(value >> 8))
    }

    static func put32(_ out: inout [UInt8], _ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8((value >> UInt32(shift)) & 0xFF)) }
    }
}
