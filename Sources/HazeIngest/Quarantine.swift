import Foundation
import HazeModel
import HazeStore

/// The store's quarantine: one CSV per source, holding every refused row or
/// cell (and every flagged value) with file, line, field and reason.
///
/// A source's file is replaced each time the source is ingested, so a second
/// run of the same cron job does not duplicate entries, and a file that has
/// become clean (say, after a registry fix) leaves no stale quarantine behind.
///
/// Files are named `<base name>.<hash>.quarantine.csv`, the hash taken over the
/// source's identity (a file's path, standard input's content), so `d1/x.csv`
/// and `d2/x.csv` each have their own and never replace or delete the other's.
///
/// The CSV is read by people (in a spreadsheet) and by programs: a value that
/// a spreadsheet would run as a formula (`=…`, `+…`, `-…`, `@…`) is written
/// with a leading `'`, and a value that already starts with `'` gets one more,
/// so dropping one leading `'` (`CSVWriter.original`) gives back every value
/// exactly as it was read.
struct Quarantine: Sendable {
    let directory: String

    init(store: Store) { self.directory = store.quarantineDirectory }

    /// The quarantine file for a source: its name, and what tells it apart
    /// from other sources with the same name (default: the name itself).
    func path(for source: String, identity: String? = nil) -> String {
        var base = (source as NSString).lastPathComponent
        if base.isEmpty || base == "-" { base = "stdin" }
        let name = Self.safe(base) + "." + StableHash.hex(Array((identity ?? source).utf8)) + ".quarantine.csv"
        // `safe` leaves no '/', leading dot or control character: the join cannot fail.
        return (try? ConfinedPath.join(directory, name)) ?? directory + "/quarantine.csv"
    }

    /// Replaces the source's quarantine file with `entries` (removes it when empty).
    /// Returns the path written, if any.
    @discardableResult
    func record(_ entries: [Rejection], for source: String, identity: String? = nil) throws(StoreError) -> String? {
        let path = path(for: source, identity: identity)
        removeLegacyFile(of: source)
        guard !entries.isEmpty else {
            if FileManager.default.fileExists(atPath: path) { try? FileManager.default.removeItem(atPath: path) }
            return nil
        }
        try Directory.create(directory)
        var text = CSVWriter.line(Rejection.csvHeader, mode: .reversible)
        for entry in entries { text += CSVWriter.line(entry.csvFields, mode: .reversible) }
        try AtomicFile.write(Array(text.utf8), to: path)
        return path
    }

    /// A base name usable as the start of a file name: no separators, no
    /// leading dot, no control characters, at most 100 bytes.
    static func safe(_ base: String) -> String {
        var out = ""
        for scalar in base.unicodeScalars {
            if scalar == "/" || scalar == "\\" || scalar == ":" || scalar.properties.generalCategory == .control
                || scalar.value == 0 {
                out += "_"
            } else if out.utf8.count + String(scalar).utf8.count <= 100 {
                out.unicodeScalars.append(scalar)
            }
        }
        while out.hasPrefix(".") { out = "_" + out.dropFirst() }
        return out.isEmpty ? "_" : out
    }

    /// Files named by base name alone (haze before the hashed names) are
    /// removed when this source is ingested again — only if their rows are
    /// this source's, never another file's with the same base name.
    private func removeLegacyFile(of source: String) {
        var base = (source as NSString).lastPathComponent
        if base.isEmpty || base == "-" { base = "stdin" }
        let safe = String(base.map { $0 == "/" || $0 == "\\" || $0 == ":" ? "_" : $0 })
        guard !safe.hasPrefix("."), let legacy = try? ConfinedPath.join(directory, safe + ".quarantine.csv"),
              let data = FileManager.default.contents(atPath: legacy) else { return }
        var scanner = CSVScanner(bytes: [UInt8](data))
        var fields: [CSVField] = []
        guard scanner.nextRecord(into: &fields), scanner.nextRecord(into: &fields), let first = fields.first,
              scanner.string(first) == source else { return }
        try? FileManager.default.removeItem(atPath: legacy)
    }
}
