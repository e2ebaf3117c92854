import HazeModel

/// The colours of the charts. Pollutant colours are those of the ranking
/// bars; the limit is the ranking's red; the AQI colours are HJ 633's
/// (`AQICategory`). Colours are solid (no transparency where a test or a
/// reader must recognise them), so a screenshot shows exactly these values.
enum ChartPalette {
    static let text = "#222222"
    static let axis = "#666666"
    static let grid = "#e6e6e6"
    static let limit = "#c0392b"
    /// Spans without a valid value.
    static let noData = "#efefef"
    static let noDataText = "#999999"
    static let muted = "#bbbbbb"

    static func color(_ pollutant: Pollutant) -> String { pollutant == .pm25 ? "#2c7fb8" : "#7b6fb0" }
    /// A light tint of the pollutant colour, for interquartile bands.
    static func tint(_ pollutant: Pollutant) -> String { pollutant == .pm25 ? "#c6dcec" : "#dcd8ec" }

    /// Categorical colours for many units (bump chart), distinguishable and
    /// not the AQI colours.
    static let categorical = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                              "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39",
                              "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1", "#a55194"]

    /// Ratio bands: fugitive dust (low PM2.5/PM10) and fine-particle dominated (high).
    static let dustBand = "#f6e8c3"
    static let fineBand = "#dbe9f6"
}
