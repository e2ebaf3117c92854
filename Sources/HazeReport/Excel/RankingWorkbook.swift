import Foundation
import HazeModel
import HazeAssessment

/// Ranking reports as Excel workbooks: one sheet per pollutant holding
/// exactly the CSV's rows (numbers as numbers, with the CSV's decimals), a
/// sheet for the composite score when there is one, and a sheet of notes.
enum RankingWorkbook {
    /// Columns whose cells are names, kept as text even when they look like numbers.
    static let textColumns: Set<String> = ["unit", "city", "month", "period", "level", "pollutant", "monthly_ranks",
                                           "highest_daily_date", "valid"]

    /// The CSV column's title in the workbook.
    static func title(_ key: String, _ language: Language) -> String {
        let titles: [String: (String, String)] = [
            "month": ("月份", "Month"), "period": ("时段", "Period"), "level": ("层级", "Level"),
            "pollutant": ("污染物", "Pollutant"), "rank": ("排名", "Rank"), "unit": ("单位", "Unit"), "city": ("城市", "City"),
            "mean": ("浓度(µg/m³)", "Mean (µg/m³)"), "valid_days": ("有效天数", "Valid days"),
            "required_days": ("所需有效天数", "Required days"), "valid": ("有效", "Valid"),
            "exceedance_days": ("超标天数", "Exceedance days"), "highest_daily": ("最高日均值", "Highest daily"),
            "highest_daily_date": ("最高日均值日期", "Highest daily date"), "last_year": ("去年同期", "Last year"),
            "last_year_valid_days": ("去年同期有效天数", "Last year valid days"), "change_pct": ("同比(%)", "Change %"),
            "change_rank": ("改善排名", "Rank by change"), "months_first": ("月度第一次数", "Months 1st"),
            "months": ("月数", "Months"), "monthly_ranks": ("各月排名", "Monthly ranks"),
            "days_used": ("计入天数", "Days averaged"),
        ]
        guard let pair = titles[key] else { return key }
        return language.text(pair.0, pair.1)
    }

    /// One sheet per pollutant from the CSV records (header first), rows in the CSV's order.
    static func pollutantSheets(_ records: [[String]], language: Language) -> [Worksheet] {
        guard let header = records.first, let pollutantColumn = header.firstIndex(of: "pollutant") else { return [] }
        var order: [String] = []
        var rows: [String: [[SpreadsheetCell]]] = [:]
        for record in records.dropFirst() {
            let pollutant = pollutantColumn < record.count ? record[pollutantColumn] : ""
            if rows[pollutant] == nil { order.append(pollutant) }
            rows[pollutant, default: []].append(record.enumerated().map { index, text in
                index < header.count && textColumns.contains(header[index])
                    ? (text.isEmpty ? .empty : .text(text)) : SpreadsheetCell.inferred(text)
            })
        }
        let titles = header.map { title($0, language) }
        return order.map { Worksheet(name: $0, header: titles, rows: rows[$0] ?? []) }
    }

    static func notesSheet(_ lines: [String], language: Language) -> Worksheet {
        Worksheet(name: language.text("说明", "Notes"), header: [language.text("说明", "Notes")],
                  rows: lines.map { [.text($0)] })
    }

    /// The report's generation time in Beijing, as the parts' timestamp.
    static func timestamp(_ date: Date) -> ZipArchive.Timestamp {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + LocalZone.beijing.offsetMinutes * 60
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let within = seconds - day * 86_400
        return ZipArchive.Timestamp(date: CivilDate(dayNumber: day), hour: within / 3600, minute: within % 3600 / 60,
                                    second: within % 60)
    }
}

extension MonthlyRankingReport {
    /// The ranking as a workbook: a sheet per pollutant (the CSV's rows), the
    /// composite score when asked for, and the notes.
    public func workbook() -> Workbook {
        var sheets = RankingWorkbook.pollutantSheets(csvRecords(), language: lang)
        if let composite = ranking.composite {
            sheets.append(Worksheet(
                name: lang.text("综合得分", "Composite"),
                header: [lang.text("排名", "Rank"), lang.unitTitle(ranking.scope.level), lang.text("得分", "Score")],
                rows: compositeRows(composite).map { [SpreadsheetCell.inferred($0[0]), .text($0[1]), .inferred($0[2])] }))
        }
        sheets.append(RankingWorkbook.notesSheet([title] + notes + [generatedText], language: lang))
        return Workbook(sheets: sheets, title: title, timestamp: RankingWorkbook.timestamp(generated))
    }

    /// The `.xlsx` file's bytes.
    public func xlsx() throws(Workbook.Failure) -> [UInt8] { try workbook().xlsx() }
}

extension PeriodRankingReport {
    /// The ranking as a workbook: a sheet per pollutant (the CSV's rows) and
    /// the per-unit summaries and notes.
    public func workbook() -> Workbook {
        var sheets = RankingWorkbook.pollutantSheets(csvRecords(), language: lang)
        sheets.append(RankingWorkbook.notesSheet([title] + summaries + notes + [generatedText], language: lang))
        return Workbook(sheets: sheets, title: title, timestamp: RankingWorkbook.timestamp(generated))
    }

    /// The `.xlsx` file's bytes.
    public func xlsx() throws(Workbook.Failure) -> [UInt8] { try workbook().xlsx() }
}
