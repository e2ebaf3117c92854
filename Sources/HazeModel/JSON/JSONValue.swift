/// A JSON value with ordered object keys, for output that reads in the order
/// a person expects (and is byte-stable across runs).
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    /// A number written with a fixed count of decimals.
    case decimal(Double, places: Int)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.serialized() == b.serialized() }

    /// JSON text, compact or indented by two spaces.
    public func serialized(pretty: Bool = false, indent: String = "") -> String {
        var out = ""
        write(to: &out, pretty: pretty, indent: indent)
        return out
    }

    /// Appends the JSON text to `out` (one growing buffer, no intermediate strings).
    public func write(to out: inout String, pretty: Bool = false, indent: String = "") {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let n): out += String(n)
        case .decimal(let d, let places):
            out += d.isFinite ? GBT8170.format(d, decimals: places) : "null"
        case .string(let s): Self.quote(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            let inner = indent + "  "
            out += pretty ? "[\n" : "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += pretty ? ",\n" : "," }
                if pretty { out += inner }
                item.write(to: &out, pretty: pretty, indent: inner)
            }
            out += pretty ? "\n\(indent)]" : "]"
        case .object(let fields):
            if fields.isEmpty { out += "{}"; return }
            let inner = indent + "  "
            out += pretty ? "{\n" : "{"
            for (i, field) in fields.enumerated() {
                if i > 0 { out += pretty ? ",\n" : "," }
                if pretty { out += inner }
                Self.quote(field.0, into: &out)
                out += pretty ? ": " : ":"
                field.1.write(to: &out, pretty: pretty, indent: inner)
            }
            out += pretty ? "\n\(indent)}" : "}"
        }
    }

    static func quote(_ s: String, into out: inout String) {
        out += "\""
        // Most strings need no escaping: append them whole.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    static func quote(_ s: String) -> String {
        var out = ""
        quote(s, into: &out)
        return out
    }
}
