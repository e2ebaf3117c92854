import HazeModel
import HazeAssessment

/// The AQI of a subject's day, from the model's AQI functions over the daily
/// means the store holds. The store holds PM2.5 and PM10 only, so this is the
/// larger of their IAQIs (HJ 633 by date); every chart that shows it says so.
/// When the model and the store gain SO2, NO2, CO and O3, only this type
/// changes.
enum DailyAQI {
    /// The pollutants the AQI is computed from.
    static let pollutants: [Pollutant] = [.pm25, .pm10]

    /// The AQI from valid daily means (nil when none is valid).
    static func aqi(dailyMeans: [Pollutant: Double], on date: CivilDate) -> Int? {
        AirQualityIndex.pmAQI(pm25: dailyMeans[.pm25], pm10: dailyMeans[.pm10], on: date)
    }

    /// Per day of `series` (a day-resolution series of both pollutants), its AQI category.
    static func categories(_ series: SubjectSeries) -> [AQICategory?] {
        series.slots.indices.map { i in
            var means: [Pollutant: Double] = [:]
            for p in pollutants { if let v = series.values[p]?[i].validMean { means[p] = v } }
            return aqi(dailyMeans: means, on: series.slots[i].date).map(AQICategory.init(aqi:))
        }
    }

    /// What the chart must say about the AQI it shows.
    static func note(_ language: Language) -> String {
        language.text("AQI 按 HJ 633（按日期适用的版本）仅由 PM2.5、PM10 日均值计算：数据库未存 SO2、NO2、CO、O3，故为两项颗粒物分指数的较大者，可能低于官方 AQI。",
                      "AQI by HJ 633 (the edition in force on each date) from the PM2.5 and PM10 daily means only: the store holds no SO2, NO2, CO or O3, so this is the larger of the two particulate sub-indices and may be below the official AQI.")
    }
}
