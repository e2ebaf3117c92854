import HazeModel

/// An Excel workbook (`.xlsx`, Office Open XML SpreadsheetML) written by
/// haze itself: one worksheet per table, numbers as numbers, text as shared
/// strings in UTF-8, a bold frozen header row, columns fitted to their
/// content, packed as a ZIP through the system zlib. No package is used.
///
/// What is written: `[Content_Types].xml`, `_rels/.rels`, `docProps/core.xml`
/// and `app.xml`, `xl/workbook.xml` with its relationships, `xl/styles.xml`,
/// `xl/sharedStrings.xml` and `xl/worksheets/sheetN.xml`.
public struct Workbook: Sendable {
    /// Why a workbook cannot be written.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case noSheets
        /// Excel holds at most 32 767 characters in a cell.
        case cellTooLong(sheet: String, row: Int, column: Int, length: Int)
        /// Excel holds at most 1 048 576 rows and 16 384 columns.
        case tooManyCells(sheet: String)
        case archive(ZipArchive.Failure)

        public var description: String {
            switch self {
            case .noSheets: "a workbook needs at least one sheet"
            case .cellTooLong(let sheet, let row, let column, let length):
                "sheet '\(sheet)', cell \(SpreadsheetXML.columnName(column))\(row): \(length) characters, more than the 32767 Excel holds"
            case .tooManyCells(let sheet): "sheet '\(sheet)' has more rows or columns than Excel holds"
            case .archive(let failure): failure.description
            }
        }
    }

    var sheets: [Worksheet]
    /// Shown as the document's title in Excel's properties.
    public var title: String
    /// The local time stored as every part's modification time and the creation time.
    package var timestamp: ZipArchive.Timestamp

    package init(sheets: [Worksheet], title: String = "", timestamp: ZipArchive.Timestamp = .epoch) {
        self.sheets = sheets
        self.title = title
        self.timestamp = timestamp
    }

    /// Excel's limit on characters in a cell.
    static let maximumCellLength = 32_767

    /// Sheet names as Excel requires them: at most 31 characters, none of
    /// `[ ] : * ? / \`, not starting or ending with `'`, not empty, and unique
    /// (case-insensitively) — replaced characters become `_`, repeats get ` (2)`.
    var sheetNames: [String] {
        var used: Set<String> = []
        return sheets.enumerated().map { index, sheet in
            var base = String(sheet.name.map { "[]:*?/\\".contains($0) ? "_" : $0 })
            while base.hasPrefix("'") { base.removeFirst() }
            while base.hasSuffix("'") { base.removeLast() }
            if base.trimmingCharacters(in: [" "]).isEmpty { base = "Sheet\(index + 1)" }
            base = Self.prefix(base, utf16: 31)
            var name = base
            var n = 2
            while used.contains(name.lowercased()) {
                let suffix = " (\(n))"
                name = Self.prefix(base, utf16: 31 - suffix.utf16.count) + suffix
                n += 1
            }
            used.insert(name.lowercased())
            return name
        }
    }

    static func prefix(_ text: String, utf16 limit: Int) -> String {
        var out = ""
        var count = 0
        for ch in text {
            let width = ch.utf16.count
            guard count + width <= limit else { break }
            out.append(ch)
            count += width
        }
        return out
    }

    /// The `.xlsx` file's bytes.
    public func xlsx() throws(Failure) -> [UInt8] {
        guard !sheets.isEmpty else { throw .noSheets }
        var strings = SharedStrings()
        var styles = CellStyles()
        let names = sheetNames
        var sheetXML: [String] = []
        for (sheet, name) in zip(sheets, names) {
            sheetXML.append(try worksheetXML(sheet, name: name, strings: &strings, styles: &styles))
        }
        var archive = ZipArchive(timestamp: timestamp)
        do {
            try archive.add("[Content_Types].xml", Array(contentTypes.utf8))
            try archive.add("_rels/.rels", Array(packageRelationships.utf8))
            try archive.add("docProps/core.xml", Array(coreProperties.utf8))
            try archive.add("docProps/app.xml", Array(appProperties(names).utf8))
            try archive.add("xl/workbook.xml", Array(workbookXML(names).utf8))
            try archive.add("xl/_rels/workbook.xml.rels", Array(workbookRelationships.utf8))
            try archive.add("xl/styles.xml", Array(styles.xml.utf8))
            try archive.add("xl/sharedStrings.xml", Array(strings.xml.utf8))
            for (index, xml) in sheetXML.enumerated() {
                try archive.add("xl/worksheets/sheet\(index + 1).xml", Array(xml.utf8))
            }
            return try archive.bytes()
        } catch {
            throw .archive(error)
        }
    }

    // MARK: Parts

    func worksheetXML(_ sheet: Worksheet, name: String, strings: inout SharedStrings,
                      styles: inout CellStyles) throws(Failure) -> String {
        let columns = sheet.columnCount
        let rowCount = sheet.rows.count + 1
        guard columns <= 16_384, rowCount <= 1_048_576 else { throw .tooManyCells(sheet: name) }
        var xml = SpreadsheetXML.header
        xml += "<worksheet xmlns=\"\(SpreadsheetXML.main)\" xmlns:r=\"\(SpreadsheetXML.relationships)\">"
        let last = SpreadsheetXML.columnName(max(columns, 1) - 1) + String(rowCount)
        xml += "<dimension ref=\"A1:\(last)\"/>"
        xml += "<sheetViews><sheetView workbookViewId=\"0\">"
        xml += "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
        xml += "<selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/></sheetView></sheetViews>"
        xml += "<sheetFormatPr defaultRowHeight=\"15\"/>"
        if columns > 0 {
            xml += "<cols>"
            for (index, width) in sheet.columnWidths.enumerated() {
                xml += "<col min=\"\(index + 1)\" max=\"\(index + 1)\" width=\"\(SpreadsheetXML.number(width))\" customWidth=\"1\"/>"
            }
            xml += "</cols>"
        }
        xml += "<sheetData>"
        let bold = styles.index(bold: true, decimals: nil)
        let headerCells = sheet.header.map { SpreadsheetCell.text($0) }
        for (rowIndex, row) in ([headerCells] + sheet.rows).enumerated() {
            let r = rowIndex + 1
            xml += "<row r=\"\(r)\">"
            for (column, cell) in row.enumerated() {
                let reference = SpreadsheetXML.columnName(column) + String(r)
                let style = rowIndex == 0 ? bold : nil
                switch cell {
                case .empty:
                    if let style { xml += "<c r=\"\(reference)\" s=\"\(style)\"/>" }
                case .text(let text):
                    let length = text.utf16.count
                    guard length <= Self.maximumCellLength else {
                        throw .cellTooLong(sheet: name, row: r, column: column, length: length)
                    }
                    let s = style.map { " s=\"\($0)\"" } ?? ""
                    xml += "<c r=\"\(reference)\" t=\"s\"\(s)><v>\(strings.index(text))</v></c>"
                case .integer(let value):
                    let s = styles.index(bold: rowIndex == 0, decimals: 0)
                    xml += "<c r=\"\(reference)\" s=\"\(s)\"><v>\(value)</v></c>"
                case .number(let value, let decimals):
                    // A value Excel cannot hold (nan, inf) is left empty, never written as text.
                    guard value.isFinite else { continue }
                    let s = styles.index(bold: rowIndex == 0, decimals: decimals)
                    xml += "<c r=\"\(reference)\" s=\"\(s)\"><v>\(SpreadsheetXML.number(value))</v></c>"
                }
            }
            xml += "</row>"
        }
        xml += "</sheetData></worksheet>"
        return xml
    }

    func workbookXML(_ names: [String]) -> String {
        var xml = SpreadsheetXML.header
        xml += "<workbook xmlns=\"\(SpreadsheetXML.main)\" xmlns:r=\"\(SpreadsheetXML.relationships)\">"
        xml += "<bookViews><workbookView activeTab=\"0\"/></bookViews><sheets>"
        for (index, name) in names.enumerated() {
            xml += "<sheet name=\"\(SpreadsheetXML.escape(name))\" sheetId=\"\(index + 1)\" r:id=\"rId\(index + 1)\"/>"
        }
        return xml + "</sheets></workbook>"
    }

    var workbookRelationships: String {
        var xml = SpreadsheetXML.header + "<Relationships xmlns=\"\(SpreadsheetXML.packageRelationships)\">"
        let type = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
        for index in sheets.indices {
            xml += "<Relationship Id=\"rId\(index + 1)\" Type=\"\(type)worksheet\" Target=\"worksheets/sheet\(index + 1).xml\"/>"
        }
        xml += "<Relationship Id=\"rId\(sheets.count + 1)\" Type=\"\(type)styles\" Target=\"styles.xml\"/>"
        xml += "<Relationship Id=\"rId\(sheets.count + 2)\" Type=\"\(type)sharedStrings\" Target=\"sharedStrings.xml\"/>"
        return xml + "</Relationships>"
    }

    var packageRelationships: String {
        SpreadsheetXML.header + "<Relationships xmlns=\"\(SpreadsheetXML.packageRelationships)\">"
            + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
            + "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>"
            + "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>"
            + "</Relationships>"
    }

    var contentTypes: String {
        let ml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        var xml = SpreadsheetXML.header + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        xml += "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        xml += "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        xml += "<Override PartName=\"/xl/workbook.xml\" ContentType=\"\(ml).sheet.main+xml\"/>"
        for index in sheets.indices {
            xml += "<Override PartName=\"/xl/worksheets/sheet\(index + 1).xml\" ContentType=\"\(ml).worksheet+xml\"/>"
        }
        xml += "<Override PartName=\"/xl/styles.xml\" ContentType=\"\(ml).styles+xml\"/>"
        xml += "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"\(ml).sharedStrings+xml\"/>"
        xml += "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
        xml += "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
        return xml + "</Types>"
    }

    var coreProperties: String {
        let t = timestamp
        let created = "\(t.date)T\(CivilDate.pad(t.hour, 2)):\(CivilDate.pad(t.minute, 2)):\(CivilDate.pad(t.second, 2))"
        return SpreadsheetXML.header
            + "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
            + "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
            + "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
            + "<dc:title>\(SpreadsheetXML.escape(title))</dc:title><dc:creator>haze</dc:creator>"
            + "<dcterms:created xsi:type=\"dcterms:W3CDTF\">\(created)</dcterms:created>"
            + "</cp:coreProperties>"
    }

    func appProperties(_ names: [String]) -> String {
        SpreadsheetXML.header
            + "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"
            + "<Application>haze \(SpreadsheetXML.escape(HazeVersion.current))</Application></Properties>"
    }
}

/// The workbook's shared-string table: each distinct text once, in first-use order.
struct SharedStrings {
    private var indices: [String: Int] = [:]
    private var ordered: [String] = []
    private var uses = 0

    mutating func index(_ text: String) -> Int {
        uses += 1
        if let index = indices[text] { return index }
        indices[text] = ordered.count
        ordered.append(text)
        return ordered.count - 1
    }

    var xml: String {
        var xml = SpreadsheetXML.header
        xml += "<sst xmlns=\"\(SpreadsheetXML.main)\" count=\"\(uses)\" uniqueCount=\"\(ordered.count)\">"
        for text in ordered {
            let space = SpreadsheetXML.needsPreserve(text) ? " xml:space=\"preserve\"" : ""
            xml += "<si><t\(space)>\(SpreadsheetXML.escape(text))</t></si>"
        }
        return xml + "</sst>"
    }
}

/// The cell formats used: bold or not, and a number format with a count of decimals.
struct CellStyles {
    struct Key: Hashable {
        var bold: Bool
        var decimals: Int?
    }

    /// Index 0 is the default format (Excel requires it first).
    private var keys: [Key] = [Key(bold: false, decimals: nil)]

    mutating func index(bold: Bool, decimals: Int?) -> Int {
        let key = Key(bold: bold, decimals: decimals.map { min(max($0, 0), 15) })
        if let index = keys.firstIndex(of: key) { return index }
        keys.append(key)
        return keys.count - 1
    }

    /// Built-in number formats 1 (`0`) and 2 (`0.00`); others get their own (from 164).
    static func formatID(_ decimals: Int?) -> Int {
        switch decimals {
        case nil: 0
        case 0: 1
        case 2: 2
        case let places?: 163 + places
        }
    }

    var xml: String {
        let custom = Set(keys.compactMap(\.decimals)).filter { $0 != 0 && $0 != 2 }.sorted()
        var xml = SpreadsheetXML.header + "<styleSheet xmlns=\"\(SpreadsheetXML.main)\">"
        if !custom.isEmpty {
            xml += "<numFmts count=\"\(custom.count)\">"
            for places in custom {
                xml += "<numFmt numFmtId=\"\(Self.formatID(places))\" formatCode=\"0.\(String(repeating: "0", count: places))\"/>"
            }
            xml += "</numFmts>"
        }
        xml += "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
        xml += "<font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font></fonts>"
        xml += "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>"
        xml += "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
        xml += "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
        xml += "<cellXfs count=\"\(keys.count)\">"
        for key in keys {
            let format = Self.formatID(key.decimals)
            xml += "<xf numFmtId=\"\(format)\" fontId=\"\(key.bold ? 1 : 0)\" fillId=\"0\" borderId=\"0\" xfId=\"0\""
            if format != 0 { xml += " applyNumberFormat=\"1\"" }
            if key.bold { xml += " applyFont=\"1\"" }
            xml += "/>"
        }
        xml += "</cellXfs><cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
        return xml + "</styleSheet>"
    }
}
