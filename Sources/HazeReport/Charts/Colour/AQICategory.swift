import HazeModel

/// The six AQI categories of HJ 633 (Table 2 of the 2012 edition, Table 1 and
/// Appendix A of the 2026 edition, identical in both) with their colours.
enum AQICategory: Int, Sendable, CaseIterable, Comparable {
    case excellent = 1, good, light, moderate, heavy, severe

    /// The category of an AQI or IAQI value (0–50, 51–100, 101–150, 151–200, 201–300, > 300).
    init(aqi: Int) {
        switch aqi {
        case ...50: self = .excellent
        case ...100: self = .good
        case ...150: self = .light
        case ...200: self = .moderate
        case ...300: self = .heavy
        default: self = .severe
        }
    }

    /// The colour HJ 633 prescribes (RGB of its Appendix A).
    var color: String {
        switch self {
        case .excellent: "#00e400"
        case .good: "#ffff00"
        case .light: "#ff7e00"
        case .moderate: "#ff0000"
        case .heavy: "#99004c"
        case .severe: "#7e0023"
        }
    }

    /// Text drawn on the colour: dark on the light ones, white on the dark ones.
    var textColor: String { self >= .moderate ? "#ffffff" : "#222222" }

    /// The highest AQI of the category (nil for severe, which is open).
    var upperAQI: Int? {
        switch self {
        case .excellent: 50
        case .good: 100
        case .light: 150
        case .moderate: 200
        case .heavy: 300
        case .severe: nil
        }
    }

    func name(_ language: Language) -> String {
        switch self {
        case .excellent: language.text("优", "Excellent")
        case .good: language.text("良", "Good")
        case .light: language.text("轻度污染", "Light")
        case .moderate: language.text("中度污染", "Moderate")
        case .heavy: language.text("重度污染", "Heavy")
        case .severe: language.text("严重污染", "Severe")
        }
    }

    static func < (a: AQICategory, b: AQICategory) -> Bool { a.rawValue < b.rawValue }
}
