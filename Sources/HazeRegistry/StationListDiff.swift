import HazeModel

/// What changed between the lists in force on two days: stations added,
/// removed, renamed, moved more than a threshold (1 km by default), and
/// placed in another city.
public struct StationListDiff: Sendable {
    /// One station as listed on each of the two days.
    public struct Change: Sendable {
        /// The station in the earlier list.
        public var before: Station
        /// The station in the later list.
        public var after: Station
        /// For a move: the great-circle distance between the two positions, metres.
        public var metres: Double?
    }

    /// The list in force on the earlier day.
    public var from: StationList
    /// The list in force on the later day.
    public var to: StationList
    /// Stations only in the later list.
    public var added: [Station]
    /// Stations only in the earlier list.
    public var removed: [Station]
    /// Stations whose name changed.
    public var renamed: [Change]
    /// Stations that moved more than the threshold (see `Change.metres`).
    public var moved: [Change]
    /// Stations placed in another city.
    public var changedCity: [Change]
    /// Stations in both lists of which one has no coordinates (a move cannot be told).
    public var withoutCoordinates: [String]
    var movedBeyond: Double

    /// Compares two lists; `city` limits it to one city (either side).
    public init(from: StationList, to: StationList, city: String? = nil, movedBeyond metres: Double = 1000) {
        self.from = from
        self.to = to
        self.movedBeyond = metres
        func inScope(_ station: Station?) -> Bool { city == nil || station?.city == city }
        added = to.codes.compactMap { to[$0] }.filter { from[$0.code] == nil && inScope($0) }.sorted { $0.code < $1.code }
        removed = from.codes.compactMap { from[$0] }.filter { to[$0.code] == nil && inScope($0) }.sorted { $0.code < $1.code }
        var renamed: [Change] = [], moved: [Change] = [], changedCity: [Change] = [], unknown: [String] = []
        for code in from.codes.sorted() {
            guard let before = from[code], let after = to[code], inScope(before) || inScope(after) else { continue }
            if StationRegistry.nameKey(before.name) != StationRegistry.nameKey(after.name) || before.name != after.name {
                renamed.append(Change(before: before, after: after))
            }
            if before.city != after.city { changedCity.append(Change(before: before, after: after)) }
            if let a = GeoPoint(before), let b = GeoPoint(after) {
                let distance = GreatCircle.distance(a, b)
                if distance > metres { moved.append(Change(before: before, after: after, metres: distance)) }
            } else {
                unknown.append(code)
            }
        }
        self.renamed = renamed
        self.moved = moved
        self.changedCity = changedCity
        self.withoutCoordinates = unknown
    }
}
