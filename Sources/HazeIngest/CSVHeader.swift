import HazeModel

/// A CSV file's header line: its column names, lower-cased and trimmed, and
/// where each is. Formats keyed by column name (the long CSV, the
/// cnemc-hourly snapshot) find their columns here, in any order; a name
/// given twice means its first column.
struct CSVHeader {
    /// The names in file order.
    let names: [String]
    private let firstIndex: [String: Int]

    /// The header in `fields`, the record `scanner` just read.
    init(_ fields: [CSVField], of scanner: CSVScanner) {
        names = fields.map { scanner.trimmedString($0).lowercased() }
        var index: [String: Int] = [:]
        for (i, name) in names.enumerated() where index[name] == nil { index[name] = i }
        firstIndex = index
    }

    /// The column named `name` (lower case), nil when the file has none.
    func column(_ name: String) -> Int? { firstIndex[name] }

    /// The number of columns.
    var count: Int { names.count }
}
