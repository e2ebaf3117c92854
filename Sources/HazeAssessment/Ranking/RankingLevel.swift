import HazeModel
import HazeRegistry

/// What a ranking compares: the units of a layer (`district` 区县, `zone`
/// 功能区, `town` 乡镇/街道, or any layer the registry's membership files
/// name), cities, or a city's stations.
public struct RankingLevel: Hashable, Sendable, Codable, RawRepresentable, CustomStringConvertible {
    public let rawValue: String

    /// A level by name; nil for an empty name or one with a comma, a slash or a control character.
    public init?(rawValue: String) {
        let name = rawValue.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 64,
              !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || ",/\\".unicodeScalars.contains($0) })
        else { return nil }
        self.rawValue = name
    }

    private init(known: String) { self.rawValue = known }

    public static let district = RankingLevel(known: UnitMembership.districtLayer)
    public static let zone = RankingLevel(known: "zone")
    public static let town = RankingLevel(known: "town")
    public static let city = RankingLevel(known: "city")
    public static let station = RankingLevel(known: "station")

    /// A layer of units made by memberships (anything but `city` and `station`).
    public var isLayer: Bool { self != .city && self != .station }

    public var description: String { rawValue }
}
