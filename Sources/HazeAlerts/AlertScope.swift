/// Where a rule looks: each station, each district, each city, or the whole
/// network (`national`, only for `feed` rules: has any data arrived at all).
public enum AlertScope: String, Sendable, CaseIterable, Codable {
    case station, district, city, national
}
