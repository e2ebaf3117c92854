/// A ranking report in every format `haze rank` writes, so the command picks
/// the format in one place for the monthly, period and indicator rankings.
public protocol RankingDocument {
    func table() -> String
    func csv() -> String
    func json() -> String
    func markdown() -> String
    func html() -> String
    func xlsx() throws(Workbook.Failure) -> [UInt8]
}

extension MonthlyRankingReport: RankingDocument {}
extension PeriodRankingReport: RankingDocument {}
extension IndicatorRankingReport: RankingDocument {}
