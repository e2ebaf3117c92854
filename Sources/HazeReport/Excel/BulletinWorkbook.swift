import HazeModel
import HazeAssessment

extension BulletinReport {
    /// The bulletin as a workbook, a sheet per section: the city's figures;
    /// each indicator's ranking (the rows of `haze rank --indicator … --format
    /// csv`, numbers as numbers) and its four lists; the exceptional days; the notes.
    public func workbook() -> Workbook {
        var headlineRows: [[SpreadsheetCell]] = []
        for (indicator, entry) in zip(bulletin.headlineIndicators, bulletin.headline) {
            let cells = headlineCells(indicator, entry)
            headlineRows.append([.text(cells[0]), entry.isValid ? IndicatorRankingReport.numberCell(entry.value.map(indicator.format) ?? "") : .empty,
                                 entry.lastYearValid ? IndicatorRankingReport.numberCell(entry.lastYearValue.map(indicator.format) ?? "") : .empty,
                                 IndicatorRankingReport.numberCell(entry.change.map(indicator.formatChange) ?? ""),
                                 cells[4].isEmpty ? .empty : .text(cells[4])])
        }
        var sheets = [Worksheet(name: headlineTitle, header: headlineColumns.map(\.title), rows: headlineRows)]
        for part in parts {
            let book = part.workbook()
            // The part's ranking sheet and its list sheets, without its notes sheet.
            guard let ranking = book.sheets.first else { continue }
            sheets.append(Worksheet(name: lang.text("\(part.indicator.label)排名", "\(part.indicator.englishLabel) ranking"),
                                    header: ranking.header, rows: ranking.rows))
            let listSheets = book.sheets.dropFirst().dropLast()
            var rows: [[SpreadsheetCell]] = []
            for sheet in listSheets { rows += sheet.rows.map { [.text(sheet.name)] + $0 } }
            sheets.append(Worksheet(name: lang.text("\(part.indicator.label)红黑榜", "\(part.indicator.englishLabel) lists"),
                                    header: [lang.text("榜单", "List")] + part.listColumns.map(\.title), rows: rows))
        }
        sheets.append(Worksheet(name: exceptionalTitle, header: [exceptionalTitle], rows: exceptionalLines.map { [.text($0)] }))
        sheets.append(RankingWorkbook.notesSheet([title] + notes + [generatedText], language: lang))
        return Workbook(sheets: sheets, title: title, timestamp: RankingWorkbook.timestamp(generated))
    }

    /// The `.xlsx` file's bytes.
    public func xlsx() throws(Workbook.Failure) -> [UInt8] { try workbook().xlsx() }
}
