/// The one checked way a number from outside haze becomes a number haze
/// computes with: command-line option values, numbers in configuration, rule
/// and state files, OpenAQ values, CSV cells.
///
/// Every conversion checks, in this order, that the input is a number, that it
/// is finite (`nan`, `inf`, `1e999` are not), that it is whole where a whole
/// number is needed, and that it lies in the range the field allows — all
/// before any conversion that could trap (`Int(1e300)`, `Int(Double.nan)`).
/// A refusal says what the field accepts, so the caller's message can name the
/// option, file or field together with the allowed range. Negative zero is
/// read as zero.
public enum ExternalNumber {
    /// Why a number was refused, and what the field accepts.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// What was wrong with the value.
        public enum Problem: Sendable, Equatable {
            /// Not a number at all (`abc`, `12abc`, an empty value, a JSON string).
            case notANumber
            /// `nan`, `inf`, or a value too large to be a finite double (`1e999`).
            case notFinite
            /// A fraction where a whole number is needed.
            case notWhole
            /// A number outside the allowed range.
            case outOfRange
        }

        /// What was wrong with the value.
        public var problem: Problem
        /// What the field accepts, e.g. `a whole number in 1…600`.
        public var expected: String

        /// A refusal for `problem`; `expected` says what the field accepts (`a whole number in 1…600`).
        public init(_ problem: Problem, expected: String) {
            self.problem = problem
            self.expected = expected
        }

        /// `must be a whole number in 1…600` — for "field 'x': …" messages.
        var requirement: String { "must be \(expected)" }

        /// `not a finite number`
        public var problemText: String {
            switch problem {
            case .notANumber: "not a number"
            case .notFinite: "not a finite number"
            case .notWhole: "not a whole number"
            case .outOfRange: "out of range"
            }
        }

        /// `not a finite number; expected a whole number in 1…600`
        public var description: String { "\(problemText); expected \(expected)" }
    }

    // MARK: Text (command-line options, CSV cells)

    /// A whole number in `range`: digits with an optional sign, or a decimal
    /// that is exactly whole (`1e4`, `2.0`).
    public static func wholeNumber(_ text: some StringProtocol, in range: ClosedRange<Int>) -> Result<Int, Refusal> {
        let expected = "a whole number in \(show(range))"
        guard isIntegerLiteral(text) else {
            // `1e4` and `2.0` are whole numbers too; `2.5`, `1e999` are refused as such.
            if case .success(let value) = decimalLiteral(text) { return wholeNumber(value, in: range) }
            return .failure(Refusal(isNonFiniteWord(text) ? .notFinite : .notANumber, expected: expected))
        }
        // Digits that do not fit an Int are out of every range.
        guard let value = Int(String(text)), range.contains(value) else { return .failure(Refusal(.outOfRange, expected: expected)) }
        return .success(value)
    }

    /// A decimal number (`12`, `-0.5`, `2.5e3`) in `range`. Refuses `nan`,
    /// `inf`, hexadecimal floats and anything that overflows a double.
    public static func decimal(_ text: some StringProtocol, in range: ClosedRange<Double>,
                               expected: String? = nil) -> Result<Double, Refusal> {
        switch decimalLiteral(text) {
        case .success(let value): return decimal(value, in: range, expected: expected)
        case .failure:
            return .failure(Refusal(isNonFiniteWord(text) ? .notFinite : .notANumber, expected: expected ?? "a number in \(show(range))"))
        }
    }

    // MARK: Doubles (JSON numbers, parsed values)

    /// A double that must be a whole number in `range` (no rounding).
    public static func wholeNumber(_ value: Double, in range: ClosedRange<Int>) -> Result<Int, Refusal> {
        let expected = "a whole number in \(show(range))"
        guard value.isFinite else { return .failure(Refusal(.notFinite, expected: expected)) }
        guard value == value.rounded(.towardZero) else { return .failure(Refusal(.notWhole, expected: expected)) }
        guard let whole = Int(exactly: value), range.contains(whole) else { return .failure(Refusal(.outOfRange, expected: expected)) }
        return .success(whole)
    }

    /// A double in `range`; negative zero becomes zero.
    public static func decimal(_ value: Double, in range: ClosedRange<Double>, expected: String? = nil) -> Result<Double, Refusal> {
        // The message only when refused: a registry checks 50 000 coordinates.
        guard value.isFinite else { return .failure(Refusal(.notFinite, expected: expected ?? "a number in \(show(range))")) }
        guard range.contains(value) else { return .failure(Refusal(.outOfRange, expected: expected ?? "a number in \(show(range))")) }
        return .success(value == 0 ? 0 : value)
    }

    /// A measured value rounded half to even (GB/T 8170) to a whole number in `range`.
    public static func rounded(_ value: Double, in range: ClosedRange<Int>) -> Result<Int, Refusal> {
        let expected = "a number in \(show(range))"
        guard value.isFinite else { return .failure(Refusal(.notFinite, expected: expected)) }
        // Far outside the range: refuse before any rounding or conversion.
        guard value >= Double(range.lowerBound) - 1, value <= Double(range.upperBound) + 1 else {
            return .failure(Refusal(.outOfRange, expected: expected))
        }
        guard let whole = Int(exactly: GBT8170.round(value, decimals: 0)), range.contains(whole) else {
            return .failure(Refusal(.outOfRange, expected: expected))
        }
        return .success(whole)
    }

    /// A concentration in µg/m³ rounded half to even to a whole number in
    /// 0…`Pollutant.maximumConcentration`. The refusal's `expected` reads as a
    /// reason: `negative concentration`, `1e+300 µg/m³ is above the 0–10000 µg/m³ range`.
    public static func concentration(_ value: Double) -> Result<Int, Refusal> {
        let maximum = Pollutant.maximumConcentration
        guard value.isFinite else {
            return .failure(Refusal(.notFinite, expected: "\(show(value)) is not a finite concentration"))
        }
        guard value >= 0 else { return .failure(Refusal(.outOfRange, expected: "negative concentration")) }
        switch rounded(value, in: 0...maximum) {
        case .success(let whole): return .success(whole)
        case .failure:
            return .failure(Refusal(.outOfRange, expected: "\(show(value)) µg/m³ is above the 0–\(maximum) µg/m³ range"))
        }
    }

    /// A concentration of `pollutant` in its display unit (µg/m³; CO mg/m³),
    /// rounded half to even to the stored unit (whole µg/m³; CO tenths of
    /// mg/m³) in 0…`Pollutant.maximumConcentration` stored units.
    public static func concentration(_ value: Double, of pollutant: Pollutant) -> Result<Int, Refusal> {
        guard pollutant == .co else { return concentration(value) }
        let maximum = Pollutant.maximumConcentration
        guard value.isFinite else {
            return .failure(Refusal(.notFinite, expected: "\(show(value)) is not a finite concentration"))
        }
        guard value >= 0 else { return .failure(Refusal(.outOfRange, expected: "negative concentration")) }
        switch rounded(value * 10, in: 0...maximum) {
        case .success(let tenths): return .success(tenths)
        case .failure:
            return .failure(Refusal(.outOfRange, expected: "\(show(value)) mg/m³ is above the 0–\(maximum / 10) mg/m³ range"))
        }
    }

    // MARK: JSON values

    /// A JSON number that must be whole, in `range`.
    public static func wholeNumber(_ value: JSONValue, in range: ClosedRange<Int>) -> Result<Int, Refusal> {
        switch value {
        case .int(let whole):
            guard range.contains(whole) else { return .failure(Refusal(.outOfRange, expected: "a whole number in \(show(range))")) }
            return .success(whole)
        case .decimal(let number, _):
            return wholeNumber(number, in: range)
        default:
            return .failure(Refusal(.notANumber, expected: "a whole number in \(show(range))"))
        }
    }

    /// A JSON number in `range`.
    public static func decimal(_ value: JSONValue, in range: ClosedRange<Double>, expected: String? = nil) -> Result<Double, Refusal> {
        switch value {
        case .int(let whole): return decimal(Double(whole), in: range, expected: expected)
        case .decimal(let number, _): return decimal(number, in: range, expected: expected)
        default: return .failure(Refusal(.notANumber, expected: expected ?? "a number in \(show(range))"))
        }
    }

    // MARK: Showing numbers in messages

    /// A number as a person reads it, without any conversion that can trap:
    /// `12`, `0.5`, `1e+300`, `nan`, `-inf`.
    public static func show(_ value: Double) -> String {
        // Whole doubles below 2^53 print as integers; the magnitude is checked on
        // the double (abs(Int.min) would trap).
        if value.isFinite, value == value.rounded(), abs(value) < 9_007_199_254_740_992, let whole = Int(exactly: value) {
            return String(whole)
        }
        return String(describing: value)
    }

    /// `1…600`
    public static func show(_ range: ClosedRange<Int>) -> String { "\(range.lowerBound)…\(range.upperBound)" }

    /// `0…1`
    public static func show(_ range: ClosedRange<Double>) -> String { "\(show(range.lowerBound))…\(show(range.upperBound))" }

    // MARK: Grammar

    /// `[+-]?[0-9]+`
    static func isIntegerLiteral(_ text: some StringProtocol) -> Bool {
        var bytes = Substring(text).utf8[...]
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        return !bytes.isEmpty && bytes.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// `[+-]?(digits[.digits?] | .digits)([eE][+-]?digits)?`, as a double
    /// (infinite when it overflows). No spaces, words or hexadecimal.
    static func decimalLiteral(_ text: some StringProtocol) -> Result<Double, Refusal> {
        let bytes = Array(Substring(text).utf8)
        var i = 0
        func digits() -> Int {
            let start = i
            while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 { i += 1 }
            return i - start
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
        var mantissa = digits()
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            mantissa += digits()
        }
        let invalid = Refusal(.notANumber, expected: "a number")
        guard mantissa > 0 else { return .failure(invalid) }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return .failure(invalid) }
        }
        guard i == bytes.count, let value = Double(String(decoding: bytes, as: UTF8.self)) else { return .failure(invalid) }
        return .success(value)
    }

    /// `nan`, `inf`, `-Infinity` and the like: numbers, but not finite ones.
    static func isNonFiniteWord(_ text: some StringProtocol) -> Bool {
        var word = Substring(text).lowercased()[...]
        if word.hasPrefix("+") || word.hasPrefix("-") { word = word.dropFirst() }
        return ["nan", "inf", "infinity"].contains(String(word))
    }
}
