/// Little-endian fields appended to a byte array.
struct ByteWriter {
    private(set) var data: [UInt8] = []

    mutating func bytes(_ bytes: [UInt8]) { data += bytes }
    mutating func u16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { data += $0 } }
    mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { data += $0 } }
    mutating func i32(_ value: Int32) { u32(UInt32(bitPattern: value)) }
    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { data += $0 } }
    mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }
}
