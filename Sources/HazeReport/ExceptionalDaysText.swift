import HazeModel

/// How a report names the exceptional days it left out.
extension Language {
    /// `2019-01-12（沙尘，全部城市）` / `2019-01-12 (sand and dust, every city)`.
    func exceptionalDay(_ entry: ExceptionalDay) -> String {
        let kind = text(entry.kind.displayName.zh, entry.kind.displayName.en)
        let city = entry.city ?? text("全部城市", "every city")
        let note = entry.note.isEmpty ? "" : text("，", ", ") + entry.note
        return text("\(entry.day)（\(kind)，\(city)\(note)）", "\(entry.day) (\(kind), \(city)\(note))")
    }

    /// The note under a ranking that left exceptional days out of its PM means.
    func exclusionNote(_ exclusion: ExceptionalDays, period: String) -> String {
        let source = exclusion.source.isEmpty ? "" : text("（\(exclusion.source)）", " (\(exclusion.source))")
        guard !exclusion.entries.isEmpty else {
            return text("例外事件日文件\(source)中没有适用于\(period)及去年同期的日期，未扣除任何日期。",
                        "The exceptional-days file\(source) lists no day that applies to \(period) or the same month last year; nothing was left out.")
        }
        let days = exclusion.entries.map(exceptionalDay).joined(separator: text("、", "; "))
        return text("扣除例外事件日（HJ 663-2026\(source)）：PM2.5、PM10 浓度不计 \(days)；这些日仍计入有效天数（不视为缺测）、超标天数和最高日均值。",
                    "Exceptional days left out (HJ 663-2026\(source)): the PM2.5 and PM10 means exclude \(days); these days still count as valid days (not missing data), in exceedance days and for the highest daily value.")
    }
}
