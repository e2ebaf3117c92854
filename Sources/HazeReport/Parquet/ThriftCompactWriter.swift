/// Thrift's compact protocol, the encoding of a Parquet file's page headers
/// and footer (apache/parquet-format, `parquet.thrift`), written by hand:
/// only what those structs need — integers, binary, booleans, nested
/// structs and lists.
///
/// A field header is one byte `delta << 4 | type` when the field id is 1…15
/// above the previous field's in the same struct, else the type byte and the
/// id as a zigzag varint; integers are zigzag varints; binary is a varint
/// length and the bytes; a list is `count << 4 | element type` (count < 15)
/// or `0xF0 | type` and a varint count; a struct ends with a 0 byte.
struct ThriftCompactWriter {
    /// Compact protocol type codes.
    enum FieldType: UInt8 {
        case boolTrue = 1, boolFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7
        case binary = 8, list = 9, set = 10, map = 11, structure = 12
    }

    private(set) var bytes: [UInt8] = []
    /// The last field id written, per open struct (the outermost first).
    private var lastField: [Int] = [0]

    init() {}

    // MARK: Fields

    mutating func i32(_ id: Int, _ value: Int32) {
        header(id, .i32)
        varint(zigzag(Int64(value)))
    }

    mutating func i64(_ id: Int, _ value: Int64) {
        header(id, .i64)
        varint(zigzag(value))
    }

    mutating func bool(_ id: Int, _ value: Bool) { header(id, value ? .boolTrue : .boolFalse) }

    mutating func binary(_ id: Int, _ value: [UInt8]) {
        header(id, .binary)
        varint(UInt64(value.count))
        bytes += value
    }

    mutating func string(_ id: Int, _ value: String) { binary(id, Array(value.utf8)) }

    /// A struct-typed field; `body` writes its fields.
    mutating func structure(_ id: Int, _ body: (inout ThriftCompactWriter) -> Void) {
        header(id, .structure)
        nested(body)
    }

    /// A list of structs, each written by `body`.
    mutating func structures<T>(_ id: Int, _ items: [T], _ body: (inout ThriftCompactWriter, T) -> Void) {
        header(id, .list)
        listHeader(items.count, .structure)
        for item in items { nested { body(&$0, item) } }
    }

    mutating func i32s(_ id: Int, _ values: [Int32]) {
        header(id, .list)
        listHeader(values.count, .i32)
        for value in values { varint(zigzag(Int64(value))) }
    }

    mutating func strings(_ id: Int, _ values: [String]) {
        header(id, .list)
        listHeader(values.count, .binary)
        for value in values {
            varint(UInt64(value.utf8.count))
            bytes += Array(value.utf8)
        }
    }

    /// Ends the outermost struct (a page header or the file metadata).
    mutating func stop() { bytes.append(0) }

    // MARK: Encoding

    private mutating func nested(_ body: (inout ThriftCompactWriter) -> Void) {
        lastField.append(0)
        body(&self)
        bytes.append(0)
        lastField.removeLast()
    }

    private mutating func header(_ id: Int, _ type: FieldType) {
        let delta = id - lastField[lastField.count - 1]
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            varint(zigzag(Int64(id)))
        }
        lastField[lastField.count - 1] = id
    }

    private mutating func listHeader(_ count: Int, _ type: FieldType) {
        if count < 15 {
            bytes.append(UInt8(count) << 4 | type.rawValue)
        } else {
            bytes.append(0xF0 | type.rawValue)
            varint(UInt64(count))
        }
    }

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    func zigzag(_ n: Int64) -> UInt64 { UInt64(bitPattern: (n << 1) ^ (n >> 63)) }
}
