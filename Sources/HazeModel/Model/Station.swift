/// A national-control (国控) or municipal monitoring station, or a micro-sensor.
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
    /// A micro-sensor (微型站, 小微站; registry column `sensor`): its values are
    /// stored, queried and alerted on as the station's own, but it is not a
    /// standard monitoring station, so it never counts in a unit, city or
    /// national value and is never ranked.
    public var isSensor: Bool

    /// A station; a control point (`isControl`) and a micro-sensor (`isSensor`) are kept out of city and district means.
    public init(code: String, name: String, city: String, district: String = "",
                longitude: Double? = nil, latitude: Double? = nil, isControl: Bool = false, isSensor: Bool = false) {
        self.code = code
        self.name = name
        self.city = city
        self.district = district
        self.longitude = longitude
        self.latitude = latitude
        self.isControl = isControl
        self.isSensor = isSensor
    }

    /// Whether the station's values count in the values of the units, cities
    /// and province it belongs to: neither a control point nor a micro-sensor.
    public var countsInUnits: Bool { !isControl && !isSensor }

    private enum CodingKeys: String, CodingKey {
        case code, name, city, district, longitude, latitude, isControl, isSensor
    }

    /// Decodes a station; one encoded before micro-sensors existed (no `isSensor`) is a standard station.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(String.self, forKey: .code)
        name = try container.decode(String.self, forKey: .name)
        city = try container.decode(String.self, forKey: .city)
        district = try container.decode(String.self, forKey: .district)
        longitude = try container.decodeIfPresent(Double.self, forKey: .longitude)
        latitude = try container.decodeIfPresent(Double.self, forKey: .latitude)
        isControl = try container.decode(Bool.self, forKey: .isControl)
        isSensor = try container.decodeIfPresent(Bool.self, forKey: .isSensor) ?? false
    }
}
