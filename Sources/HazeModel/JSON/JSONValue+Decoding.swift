import Foundation

extension JSONValue: Decodable {
    /// Decodes any JSON. Booleans stay booleans (never 0/1); whole numbers
    /// become `.int`, others `.decimal`. Object key order is not kept.
    public init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !array.isAtEnd { items.append(try array.decode(JSONValue.self)) }
            self = .array(items)
            return
        }
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            var fields: [(String, JSONValue)] = []
            for key in object.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
                fields.append((key.stringValue, try object.decode(JSONValue.self, forKey: key)))
            }
            self = .object(fields)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() { self = .null }
        else if let flag = try? single.decode(Bool.self) { self = .bool(flag) }
        else if let whole = try? single.decode(Int.self) { self = .int(whole) }
        else if let number = try? single.decode(Double.self) { self = .decimal(number, places: 6) }
        else { self = .string(try single.decode(String.self)) }
    }

    /// Parses JSON text strictly (`JSONParser`); the error says where it went
    /// wrong. A number too large for a double is kept as infinity, for the
    /// field's own check to refuse (`ExternalNumber`), not the whole document.
    public static func parse(_ bytes: [UInt8]) throws(JSONParser.Failure) -> JSONValue {
        try JSONParser.parse(bytes)
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    // MARK: Access

    /// The value of the object's field `key`; nil when the field is absent or the value is not an object (the first wins when a key repeats).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let fields) = self else { return nil }
        return fields.first { $0.0 == key }?.1
    }

    package var objectFields: [(String, JSONValue)]? {
        if case .object(let fields) = self { return fields }
        return nil
    }

    /// The elements when the value is an array, else nil.
    public var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// The text when the value is a string, else nil (a number is not converted).
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// A number (int or decimal); nil for booleans and everything else.
    package var numberValue: Double? {
        switch self {
        case .int(let n): return Double(n)
        case .decimal(let d, _): return d
        default: return nil
        }
    }

    package var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }
}
