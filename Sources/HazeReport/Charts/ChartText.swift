import HazeModel
import HazeRegistry
import HazeAssessment

/// Names and phrases the charts share, in both languages. Names from the
/// registry are shown as they are, never translated.
enum ChartText {
    /// `1001A 万寿西宫`, `北京市朝阳区` / `朝阳区, 北京`, `北京市` / `北京`.
    static func subject(_ subject: Subject, registry: StationRegistry, language: Language) -> String {
        switch subject {
        case .station(let code):
            let name = registry[code]?.name ?? ""
            return name.isEmpty ? code : "\(code) \(name)"
        case .district(let name, let city):
            guard let city else { return name }
            return language.text(language.cityName(city) + name, "\(name), \(city)")
        case .unit(let name, _, let city):
            guard let city else { return name }
            return language.text(language.cityName(city) + name, "\(name), \(city)")
        case .city(let name):
            return language.cityName(name)
        }
    }

    /// `2019年1月`, or `2019-01-01至2019-01-20` / `2019-01-01 to 2019-01-20`.
    static func period(from: CivilDate, to: CivilDate, language: Language) -> String {
        let first = Day(from), last = Day(to)
        if first == first.month.firstDay, last.advanced(by: 1) == last.month.days.upperBound {
            if first.month == last.month { return language.month(first.month) }
            return language.period(Array(first.month ... last.month), calendarYear: false)
        }
        if from == to { return from.description }
        return language.text("\(from)至\(to)", "\(from) to \(to)")
    }

    /// How the values were made, for subtitles.
    static func averaging(_ subject: Subject, language: Language) -> String {
        subject.isUnit
            ? language.text("区域值为评价点位（不含对照点）有效值的算术平均（HJ 663）", "a district's or city's value is the mean of its assessment stations' valid values (HJ 663)")
            : language.text("站点值", "station values")
    }

    static func validity(_ resolution: Resolution, language: Language) -> String {
        switch resolution {
        case .hour: language.text("小时值", "hourly values")
        case .day: language.text("日均值需≥20个有效小时（GB 3095）", "a daily mean needs ≥ 20 valid hours (GB 3095)")
        case .month: language.text("月均值需≥27个有效日（2月≥25）", "a monthly mean needs ≥ 27 valid days (February ≥ 25)")
        }
    }

    /// The standards in force over a period: `GB 3095-2012`, or both with the date of the change.
    static func standards(from: CivilDate, to: CivilDate, language: Language) -> String {
        var seen: [(Day, AirQualityStandard)] = []
        for day in Day(from) ... Day(to) where seen.last?.1 != AirQualityStandard.inForce(on: day) {
            seen.append((day, AirQualityStandard.inForce(on: day)))
        }
        return seen.enumerated().map { i, pair in
            i == 0 ? pair.1.citation : language.text("\(pair.0)起 \(pair.1.citation)", "\(pair.1.citation) from \(pair.0)")
        }.joined(separator: language.text("；", "; "))
    }
}
