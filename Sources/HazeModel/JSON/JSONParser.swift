/// A strict JSON (RFC 8259) reader for configuration, rule and state files
/// and OpenAQ pages, producing `JSONValue`.
///
/// Why not Foundation's decoder: a single number it cannot represent
/// (`"value": 1e999`) makes it refuse the whole document, so one bad row of an
/// OpenAQ page would stop a pull for good. Here a number is checked by its
/// grammar and kept: whole numbers that fit an `Int` as `.int`, others as a
/// double — infinite when it overflows — which `ExternalNumber` then refuses
/// field by field, naming the field. Everything else is strict: no `NaN` or
/// `Infinity` words, no comments, no trailing commas, no control characters
/// or invalid UTF-8 in strings, no lone surrogates, no key twice in one
/// object, nesting at most `maximumDepth` deep.
public struct JSONParser {
    /// Why a document is not JSON, with its line and column.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The line of the document (1-based) where parsing stopped.
        public var line: Int
        package var column: Int
        /// What was expected or found there.
        public var reason: String

        public var description: String { "line \(line), column \(column): \(reason)" }
    }

    /// Arrays and objects nested deeper than this are refused (a hostile
    /// `[[[[…` must not exhaust the stack).
    static let maximumDepth = 256

    private let bytes: [UInt8]
    private var i = 0
    private var depth = 0

    /// Parses one JSON document (a UTF-8 byte-order mark is allowed).
    public static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.i = 3 }
        parser.skipSpace()
        guard parser.i < bytes.count else { throw parser.failure("the document is empty") }
        let value = try parser.value()
        parser.skipSpace()
        guard parser.i == bytes.count else { throw parser.failure("unexpected text after the JSON value") }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    // MARK: Values

    private mutating func value() throws(Failure) -> JSONValue {
        guard i < bytes.count else { throw failure("the document ends where a value is expected") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try word("true"); return .bool(true)
        case UInt8(ascii: "f"): try word("false"); return .bool(false)
        case UInt8(ascii: "n"): try word("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw failure("unexpected character \(shown(bytes[i])) where a value is expected")
        }
    }

    private mutating func object() throws(Failure) -> JSONValue {
        try enter()
        i += 1
        var fields: [(String, JSONValue)] = []
        var seen = Set<String>()
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1
            depth -= 1
            return .object(fields)
        }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw failure("expected a key in double quotes") }
            let keyStart = i
            let key = try string()
            guard seen.insert(key).inserted else {
                i = keyStart
                throw failure("the key '\(key)' appears twice in one object")
            }
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw failure("expected ':' after the key '\(key)'") }
            i += 1
            skipSpace()
            fields.append((key, try value()))
            skipSpace()
            guard i < bytes.count else { throw failure("the document ends inside an object") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; break }
            throw failure("expected ',' or '}' after the value of '\(key)'")
        }
        depth -= 1
        return .object(fields)
    }

    private mutating func array() throws(Failure) -> JSONValue {
        try enter()
        i += 1
        var items: [JSONValue] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
            i += 1
            depth -= 1
            return .array(items)
        }
        while true {
            skipSpace()
            items.append(try value())
            skipSpace()
            guard i < bytes.count else { throw failure("the document ends inside an array") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; break }
            throw failure("expected ',' or ']' in an array")
        }
        depth -= 1
        return .array(items)
    }

    private mutating func enter() throws(Failure) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw failure("nested deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func word(_ text: String) throws(Failure) {
        let expected = Array(text.utf8)
        guard i + expected.count <= bytes.count, bytes[i ..< i + expected.count].elementsEqual(expected) else {
            throw failure("unexpected word where a value is expected (NaN, Infinity and unquoted text are not JSON)")
        }
        i += expected.count
    }

    // MARK: Numbers

    /// `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`, checked by grammar, then
    /// kept as `.int` when it is a whole number that fits, else as a double
    /// (infinite when it overflows: refused later, field by field).
    private mutating func number() throws(Failure) -> JSONValue {
        let start = i
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count, isDigit(bytes[i]) else { throw failure("a number needs digits after '-'") }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if i < bytes.count, isDigit(bytes[i]) { throw failure("a number may not start with 0") }
        } else {
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        var whole = true
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            whole = false
            i += 1
            guard i < bytes.count, isDigit(bytes[i]) else { throw failure("a number needs digits after '.'") }
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            whole = false
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, isDigit(bytes[i]) else { throw failure("a number needs digits in its exponent") }
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        let text = String(decoding: bytes[start ..< i], as: UTF8.self)
        if whole, let integer = Int(text) { return .int(integer) }
        // The grammar is a subset of what Double(_:) reads; overflow gives ±infinity.
        let number = Double(text) ?? (bytes[start] == UInt8(ascii: "-") ? -.infinity : .infinity)
        if number.isFinite, number == number.rounded(), abs(number) < 9_007_199_254_740_992, let integer = Int(exactly: number) {
            return .int(integer)
        }
        return .decimal(number, places: 6)
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    // MARK: Strings

    private mutating func string() throws(Failure) -> String {
        i += 1  // the opening quote
        var out: [UInt8] = []
        var runStart = i
        while true {
            guard i < bytes.count else { throw failure("the document ends inside a string") }
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") {
                out += bytes[runStart ..< i]
                i += 1
                break
            }
            if byte < 0x20 { throw failure("a control character (\(shown(byte))) inside a string; write it as an escape") }
            if byte != UInt8(ascii: "\\") {
                i += 1
                continue
            }
            out += bytes[runStart ..< i]
            i += 1
            guard i < bytes.count else { throw failure("the document ends inside an escape") }
            let escape = bytes[i]
            i += 1
            switch escape {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                        throw failure("a lone surrogate \\u\(String(scalar, radix: 16)) is not a character")
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw failure("a lone surrogate \\u\(String(scalar, radix: 16)) is not a character") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw failure("a lone surrogate \\u\(String(scalar, radix: 16)) is not a character")
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw failure("\\u escape is not a character") }
                out += Array(String(Character(unicode)).utf8)
            default:
                i -= 1
                throw failure("unknown escape \\\(shown(escape))")
            }
            runStart = i
        }
        guard let text = String(validating: out, as: UTF8.self) else { throw failure("a string is not valid UTF-8") }
        return text
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard i + 4 <= bytes.count else { throw failure("a \\u escape needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[i]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 55)
            default: throw failure("a \\u escape needs four hex digits")
            }
            value = value << 4 | digit
            i += 1
        }
        return value
    }

    // MARK: Positions

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private func failure(_ reason: String) -> Failure {
        let end = min(i, bytes.count)
        var line = 1
        var lineStart = 0
        for (n, byte) in bytes[0 ..< end].enumerated() where byte == 0x0A {
            line += 1
            lineStart = n + 1
        }
        return Failure(line: line, column: end - lineStart + 1, reason: reason)
    }

    private func shown(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x" + String(byte, radix: 16)
    }
}
