import HazeModel
import HazeRegistry

/// What a ranking compares: the units of a layer (`district` 区县, `zone`
/// 功能区, `town` 乡镇/街道, or any layer the registry's membership files
/// name), cities, or a city's stations.
public struct RankingLevel: Hashable, Sendable, Codable, RawRepresentable, CustomStringConvertible {
    /// The layer's name (`district`, `city`, `station`, or a membership layer such as `zone`).
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

    /// Districts/counties (区县), from the station tables' `district` column and `district` memberships.
    public static let district = RankingLevel(known: UnitMembership.districtLayer)
    /// Functional zones (功能区), from `zone` memberships.
    public static let zone = RankingLevel(known: "zone")
    /// Towns and sub-districts (乡镇/街道), from `town` memberships.
    public static let town = RankingLevel(known: "town")
    /// Cities, each the mean of its assessment stations.
    public static let city = RankingLevel(known: "city")
    /// A city's individual stations (control points are listed, never ranked).
    public static let station = RankingLevel(known: "station")

    /// A layer of units made by memberships (anything but `city` and `station`).
    public var isLayer: Bool { self != .city && self != .station }

    public var description: String { rawValue }
}
