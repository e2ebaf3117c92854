import HazeModel
import HazeAssessment

/// The red and black lists (红黑榜) under an indicator ranking, in every format.
extension IndicatorRankingReport {
    var changeTitle: String {
        indicator == .goodDays ? lang.text("同比(百分点)", "Change (points)")
            : indicator == .aqiDays ? lang.text("同比(天)", "Change (days)") : lang.text("同比(%)", "Change %")
    }

    var listColumns: [TextTable.Column] {
        [.init(lang.text("名次", "Place"), alignRight: true), .init(lang.unitTitle(ranking.scope.level)),
         .init(valueTitle, alignRight: true), .init(lang.text("排名", "Rank"), alignRight: true),
         .init(lang.text("去年同期", "Last year"), alignRight: true), .init(changeTitle, alignRight: true)]
    }

    func listCells(_ place: RedBlackLists.Place) -> [String] {
        let entry = place.entry
        return [String(place.place), entry.unit.label, valueText(entry), String(entry.rank), lastYearText(entry),
                entry.change.map(indicator.formatChange) ?? "—"]
    }

    func listHeading(_ listing: RedBlackLists.Listing) -> String {
        let (zh, en) = listing.kind.title
        return lang.text("\(zh)前\(listing.size)名", "\(en), \(listing.size)")
    }

    /// `red_list:1;most_improved:2` — the lists a unit is on, with its place.
    func listsText(_ entry: IndicatorRanking.Entry) -> String {
        (lists?.listings ?? []).compactMap { listing in
            listing.places.first { $0.entry.unit == entry.unit }.map { "\(listing.kind.rawValue):\($0.place)" }
        }.joined(separator: ";")
    }

    var listNotes: [String] {
        guard let lists, !lists.listings.isEmpty else { return [] }
        var notes = [lang.text("红榜、黑榜：有效单位中排名前N、倒数前N者（并列者一并列入）；改善、恶化幅度：同比改善、恶化的单位按变化幅度排名前N者（并列者一并列入）。",
                               "Red and black lists: the valid units ranked in the first N and the last N (units tied at the cut all listed); most improved and most deteriorated: units whose change is an improvement or a deterioration, the first N by its size (ties all listed).")]
        if lists.listing(.mostDeteriorated) != nil {
            notes.append(lang.text("六项污染物均达到二级标准的单位不列入恶化排名（环办监测函〔2017〕197号）",
                                   "Units meeting every Grade II limit (all six pollutants) do not enter the deteriorating list (环办监测函〔2017〕197号)")
                         + (lists.spared.isEmpty ? lang.text("。", ".")
                            : lang.text("：本期未列入 ", "; left out this period: ") + lists.spared.map(\.unit.label).joined(separator: lang.text("、", ", ")) + lang.text("。", ".")))
        }
        return notes
    }

    var listsJSON: JSONValue {
        guard let lists else { return .null }
        var fields: [(String, JSONValue)] = lists.listings.map { listing in
            (listing.kind.rawValue, .array(listing.places.map { place in
                .object([("place", .int(place.place)), ("unit", .string(place.entry.unit.name)),
                         ("value", place.entry.isValid ? scaled(place.entry.value) : .null), ("rank", .int(place.entry.rank)),
                         ("change", place.entry.change.map { indicator == .aqiDays ? .int($0) : .decimal(Double($0) / 10, places: 1) } ?? .null)])
            }))
        }
        fields.append(("sizes", .object(lists.listings.map { ($0.kind.rawValue, .int($0.size)) })))
        if lists.listing(.mostDeteriorated) != nil {
            fields.append(("spared_from_deteriorating", .array(lists.spared.map { .string($0.unit.name) })))
        }
        return .object(fields)
    }

    var exclusionJSON: JSONValue {
        guard let exclusion = ranking.exclusion else { return .null }
        return .object([("file", .string(exclusion.source)),
                        ("days", .array(exclusion.entries.map { day in
                            .object([("date", .string(day.day.description)), ("city", day.city.map(JSONValue.string) ?? .null),
                                     ("kind", .string(day.kind.rawValue)), ("note", .string(day.note))])
                        }))])
    }

    /// The ranking as a workbook: the CSV's rows (numbers as numbers), a sheet per list, the notes.
    public func workbook() -> Workbook {
        let records = csvRecords()
        let header = records.first ?? []
        let textColumns: Set<String> = ["indicator", "period", "level", "unit", "city", "valid", "last_year_valid", "statistic",
                                        "major", "limits", "attains_grade_ii", "lists"]
        let rows = records.dropFirst().map { record in
            record.enumerated().map { index, text in
                index < header.count && textColumns.contains(header[index])
                    ? (text.isEmpty ? SpreadsheetCell.empty : .text(text)) : Self.numberCell(text)
            }
        }
        var sheets = [Worksheet(name: lang.text(indicator.label, indicator.englishLabel), header: header, rows: Array(rows))]
        for listing in lists?.listings ?? [] {
            sheets.append(Worksheet(name: listHeading(listing), header: listColumns.map(\.title),
                                    rows: listing.places.map { place in
                                        let e = place.entry
                                        return [.integer(place.place), .text(e.unit.name), e.isValid ? SpreadsheetCell.inferred(e.value.map(indicator.format) ?? "") : .empty,
                                                .integer(e.rank), e.lastYearValid ? .inferred(e.lastYearValue.map(indicator.format) ?? "") : .empty,
                                                Self.numberCell(e.change.map(indicator.formatChange) ?? "")]
                                    }))
        }
        sheets.append(RankingWorkbook.notesSheet([title] + notes + [generatedText], language: lang))
        return Workbook(sheets: sheets, title: title, timestamp: RankingWorkbook.timestamp(generated))
    }

    /// A number as the reports write it (`+3.2` for a change) as a number cell.
    static func numberCell(_ text: String) -> SpreadsheetCell {
        SpreadsheetCell.inferred(text.hasPrefix("+") ? String(text.dropFirst()) : text)
    }

    /// The `.xlsx` file's bytes.
    public func xlsx() throws(Workbook.Failure) -> [UInt8] { try workbook().xlsx() }
}
