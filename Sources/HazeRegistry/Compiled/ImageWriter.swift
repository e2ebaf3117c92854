import HazeModel

/// Writes a registry image (see `RegistryImage`): little-endian integers and
/// strings as indices into one table, each distinct spelling once. Strings
/// are told apart by their bytes, never by Unicode equivalence, so a name
/// comes back exactly as the CSV wrote it.
package struct ImageWriter {
    private(set) var body: [UInt8] = []
    private var index: [NameKey: UInt32] = [:]
    private(set) var strings: [String] = []

    /// A writer with room for about `strings` distinct strings and `bytes` of body
    /// (growing the table while writing a province's registry was most of the time).
    package init(strings expected: Int = 0, bytes: Int = 0) {
        index.reserveCapacity(expected)
        strings.reserveCapacity(expected)
        body.reserveCapacity(bytes)
    }

    package mutating func u8(_ value: UInt8) { body.append(value) }

    package mutating func u32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { body.append(contentsOf: $0) }
    }

    package mutating func i64(_ value: Int64) {
        withUnsafeBytes(of: value.littleEndian) { body.append(contentsOf: $0) }
    }

    package mutating func count(_ value: Int) { u32(UInt32(value)) }

    package mutating func int(_ value: Int) { i64(Int64(value)) }

    package mutating func bool(_ value: Bool) { u8(value ? 1 : 0) }

    package mutating func string(_ value: String) {
        let key = NameKey(value)
        if let known = index[key] { return u32(known) }
        let next = UInt32(strings.count)
        index[key] = next
        strings.append(value)
        u32(next)
    }

    package mutating func double(_ value: Double?) {
        guard let value else { return u8(0) }
        u8(1)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { body.append(contentsOf: $0) }
    }

    package mutating func day(_ value: Day?) {
        guard let value else { return u8(0) }
        u8(1)
        int(value.index)
    }

    /// The string table, then the body.
    package func bytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count + strings.count * 12)
        func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) } }
        u32(UInt32(strings.count))
        for string in strings {
            u32(UInt32(string.utf8.count))
            out.append(contentsOf: string.utf8)
        }
        out.append(contentsOf: body)
        return out
    }

    /// A station: its code, name, city, district, coordinates and flags.
    package mutating func station(_ station: Station) {
        string(station.code)
        string(station.name)
        string(station.city)
        string(station.district)
        double(station.longitude)
        double(station.latitude)
        u8((station.isControl ? 1 : 0) | (station.isSensor ? 2 : 0))
    }
}
