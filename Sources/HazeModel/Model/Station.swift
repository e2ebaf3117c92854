/// A national-control (国控) or municipal monitoring station.
public struct Station: Hashable, Sendable, Codable {
    /// The network code, e.g. `1001A`.
    public var code: String
    /// The station's name, e.g. `万寿西宫`.
    public var name: String
    /// The city the station belongs to, as the registry spells it (e.g. `北京`).
    public var city: String
    /// Empty when the registry does not assign one; such stations rank at city level only.
    public var district: String
    /// Longitude in degrees east; nil when unknown.
    public var longitude: Double?
    /// Latitude in degrees north; nil when unknown.
    public var latitude: Double?
    /// A background/control point (对照点): never counted in a city or district mean.
    public var isControl: Bool

    /// A station; a control point (`isControl`) is kept out of city and district means.
    public init(code: String, name: String, city: String, district: String = "",
                longitude: Double? = nil, latitude: Double? = nil, isControl: Bool = false) {
        self.code = code
        self.name = name
        self.city = city
        self.district = district
        self.longitude = longitude
        self.latitude = latitude
        self.isControl = isControl
    }
}
