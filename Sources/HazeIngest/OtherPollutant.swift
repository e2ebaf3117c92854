/// The measurements haze knows and deliberately does not store: rows of them
/// are skipped and counted. A pollutant name that is neither one of the six
/// (`Pollutant`) nor one of these is not skipped quietly: its rows are refused
/// into the quarantine, so a misspelt row is seen, never lost.
enum OtherPollutant {
    /// CNEMC's derived row types (AQI, moving means) and common names of
    /// other measurements in long CSVs and OpenAQ parameters.
    static let names: Set<String> = [
        "AQI", "PM2.5_24H", "PM10_24H", "SO2_24H", "NO2_24H", "O3_24H", "O3_8H", "O3_8H_24H",
        "CO_24H", "PM1", "PM1.0", "PM4", "NO", "NOX", "BC", "CH4", "CO2", "NH3", "H2S", "TSP",
        "TEMPERATURE", "RELATIVEHUMIDITY", "HUMIDITY", "PRESSURE", "WIND_SPEED", "WIND_DIRECTION",
        "UM003", "UM005", "UM010", "UM025", "UM050", "UM100",
    ]

    static func isKnown(_ name: String) -> Bool {
        names.contains(String(name.uppercased().filter { $0 != " " }))
    }
}
