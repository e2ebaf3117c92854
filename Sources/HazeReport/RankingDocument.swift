/// A ranking report in every format `haze rank` writes, so the command picks
/// the format in one place for the monthly, period and indicator rankings.
public protocol RankingDocument {
    /// A fixed-width text table for the terminal.
    func table() -> String
    /// The rows as CSV (formula-leading cells neutralised).
    func csv() -> String
    /// The report as a JSON document.
    func json() -> String
    /// The report as Markdown.
    func markdown() -> String
    /// The report as one self-contained HTML page.
    func html() -> String
    /// The report as an Excel workbook (`.xlsx`); throws when a cell or sheet exceeds Excel's limits.
    func xlsx() throws(Workbook.Failure) -> [UInt8]
}

extension MonthlyRankingReport: RankingDocument {}
extension PeriodRankingReport: RankingDocument {}
extension IndicatorRankingReport: RankingDocument {}
