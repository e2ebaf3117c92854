/// A national-control (国控) or municipal monitoring station.
public struct Station: Hashable, Sendable, Codable {
    /// The network code, e.g. `1001A`.
    public var code: String
    public var name: String
    public var city: String
    /// Empty when the registry does not assign one; such stations rank at city level only.
    public var district: String
    public var longitude: Double?
    public var latitude: Double?
    /// A background/control point (对照点): never counted in a city or district mean.
    public var isControl: Bool

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
