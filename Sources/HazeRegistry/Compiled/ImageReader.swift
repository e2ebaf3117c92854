import HazeModel

/// Reads what `ImageWriter` wrote; every read is bounds-checked, and a
/// short or inconsistent image is `ImageDamage`, never a trap. The bytes are
/// read in place (the caller keeps them alive while the reader is used).
package struct ImageReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset: Int
    private var strings: [String] = []

    /// A reader of `bytes` from `offset`, its string table read first.
    package init(_ bytes: UnsafeRawBufferPointer, from offset: Int) throws(ImageDamage) {
        self.bytes = bytes
        self.offset = offset
        let count = try self.count()
        strings.reserveCapacity(count)
        for _ in 0 ..< count {
            let length = try self.count()
            guard length <= bytes.count - self.offset else { throw ImageDamage() }
            let start = self.offset
            strings.append(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start ..< start + length]), as: UTF8.self))
            self.offset += length
        }
    }

    package var isAtEnd: Bool { offset == bytes.count }

    package mutating func u8() throws(ImageDamage) -> UInt8 {
        guard offset < bytes.count else { throw ImageDamage() }
        defer { offset += 1 }
        return bytes[offset]
    }

    package mutating func u32() throws(ImageDamage) -> UInt32 {
        guard bytes.count - offset >= 4 else { throw ImageDamage() }
        defer { offset += 4 }
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    package mutating func i64() throws(ImageDamage) -> Int64 {
        guard bytes.count - offset >= 8 else { throw ImageDamage() }
        defer { offset += 8 }
        return Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int64.self))
    }

    /// A count of things that follow: each takes at least a byte, so more than
    /// the bytes left is damage (and never a huge reservation).
    package mutating func count() throws(ImageDamage) -> Int {
        let value = Int(try u32())
        guard value <= bytes.count - offset else { throw ImageDamage() }
        return value
    }

    package mutating func int() throws(ImageDamage) -> Int { Int(try i64()) }

    package mutating func bool() throws(ImageDamage) -> Bool {
        switch try u8() {
        case 0: return false
        case 1: return true
        default: throw ImageDamage()
        }
    }

    package mutating func string() throws(ImageDamage) -> String {
        let i = Int(try u32())
        guard i < strings.count else { throw ImageDamage() }
        return strings[i]
    }

    package mutating func double() throws(ImageDamage) -> Double? {
        guard try bool() else { return nil }
        return Double(bitPattern: UInt64(bitPattern: try i64()))
    }

    /// A station as `ImageWriter.station` wrote it.
    package mutating func station() throws(ImageDamage) -> Station {
        let code = try string(), name = try string(), city = try string(), district = try string()
        let longitude = try double(), latitude = try double()
        let flags = try u8()
        guard flags < 4 else { throw ImageDamage() }
        return Station(code: code, name: name, city: city, district: district, longitude: longitude, latitude: latitude,
                       isControl: flags & 1 != 0, isSensor: flags & 2 != 0)
    }

    package mutating func day() throws(ImageDamage) -> Day? {
        guard try bool() else { return nil }
        let index = try int()
        guard Day.representable.contains(index) else { throw ImageDamage() }
        return Day(index)
    }
}

/// An image that does not read as one (it is then not used; the registry is parsed).
package struct ImageDamage: Error {
    package init() {}
}
