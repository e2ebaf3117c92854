import Foundation
import HazeModel
import HazeStore

/// Every payload `haze pull` stored, gzip-compressed under `<store>/raw/`, so
/// `haze rebuild` can recreate the rings from raw alone:
///
///     raw/<source>/<yyyy>/<MM>/<file>.gz                 day files
///     raw/<source>/openaq/<station>/<sensor>_<from>_p<page>.json.gz
///     raw/ingest/<file>.gz                               `haze ingest --archive`
///
/// A file fetched again replaces its earlier copy (atomically): the newest
/// payload of a day holds everything the earlier one did, or corrects it.
public struct RawArchive: Sendable {
    public let directory: String

    public init(store: Store) { directory = store.directory + "/raw" }

    public func store(_ bytes: [UInt8], at relativePath: String) throws(StoreError) {
        let path = directory + "/" + relativePath + (relativePath.hasSuffix(".gz") ? "" : ".gz")
        let folder = (path as NSString).deletingLastPathComponent
        try Directory.create(folder)
        let compressed: [UInt8]
        if Gzip.isGzip(bytes) {
            compressed = bytes
        } else {
            // Level 1: several times faster than the default and only a little larger;
            // archiving must not be what limits a pull.
            do { compressed = try Gzip.compress(bytes, level: 1) } catch { throw .corrupt(path: path, detail: error.description) }
        }
        try AtomicFile.write(compressed, to: path)
    }

    /// Every archived payload, in path order (the order they are rebuilt in).

    package static func files(in directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var paths: [String] = []
        while let next = enumerator.nextObject() as? String {
            let full = directory + "/" + next
            var isDirectory: ObjCBool = false
            if next.hasSuffix(".gz"), FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                paths.append(next)
            }
        }
        return paths.sorted()
    }
}
