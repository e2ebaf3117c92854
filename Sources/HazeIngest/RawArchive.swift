import Foundation
import Synchronization
import HazeModel
import HazeStore

/// Every payload stored from `haze pull` (and `haze ingest --archive`),
/// gzip-compressed under `<store>/raw/`, so `haze rebuild` can recreate the
/// rings from raw alone.
///
/// Layout: one file per payload directly in `raw/`,
///
///     raw/<sequence>.<key>.gz      e.g. raw/0000000001.day.cnemc.2019-01-01.gz
///                                       raw/0000000060.hours.openaq.101.20231016T00Z.p1.gz
///                                       raw/0000000061.file.1f0c9a3b5d7e2a44-1645123.gz
///
/// - The **key** is the payload's identity, from what it is (`RawPayload.key`):
///   a source's day, a sensor's page, or for `--archive` the content's hash and
///   size. A day fetched again replaces its earlier copy (atomically) and keeps
///   its place; the same file archived twice is stored once; two different
///   files with the same name are two payloads.
/// - The **sequence** is the order payloads were first archived in, which is
///   the order `haze rebuild` ingests them in (so later corrections win, as
///   they did when they arrived). It comes from the names already in `raw/`,
///   so a run killed before its write and run again assigns the same number.
/// - **Metadata** (kind, source, format, station, sensor, date, size, hash …)
///   travels in the file itself: the first gzip member is empty and carries it
///   as JSON in its header comment (`haze-raw 1 {…}`). `zcat` and every gzip
///   reader still see just the payload.
///
/// The layout before this one (`raw/<source>/<yyyy>/<MM>/<file>.gz`,
/// `raw/<source>/openaq/<station>/<sensor>_<from>_p<page>.json.gz`,
/// `raw/ingest/<file>.gz`) is still read: those payloads are listed first, in
/// path order, with what their paths say. Nothing writes it any more.
public struct RawArchive: Sendable {
    /// `<store>/raw`, where the payloads are (created by the first payload stored).
    public let directory: String
    private let index = SequenceIndex()

    /// The archive of `store`.
    public init(store: Store) { self.init(storeDirectory: store.directory) }

    /// The archive of the store in `storeDirectory`, without opening the store (for reading a damaged one).
    public init(storeDirectory: String) { directory = storeDirectory + "/raw" }

    // MARK: Writing

    /// Archives a payload: `bytes` is its content (decompressed); `original`,
    /// when given, is the same content as received, already gzip-compressed,
    /// and is stored as it is. Returns the entry written (or already there).
    /// The file is synced before this returns; its name too, unless
    /// `syncingDirectory` is false (the caller then calls `syncDirectory()`
    /// once after several, before the store changes).
    @discardableResult
    public func store(_ description: RawPayload, bytes: [UInt8], original: [UInt8]? = nil,
                      syncingDirectory: Bool = true) throws(StoreError) -> ArchivedPayload {
        var payload = description
        payload.size = bytes.count
        payload.contentHash = StableHash.hex(bytes)
        try Directory.create(directory)
        let entry: ArchivedPayload
        if payload.kind == .file {
            entry = try placeFile(payload, bytes: bytes)
            if FileManager.default.fileExists(atPath: entry.path) { return entry }  // the same content, already archived
        } else {
            guard let key = payload.key else { throw .corrupt(path: directory, detail: "raw payload \(payload.name) has no identity") }
            entry = try entryFor(key: key, payload: payload)
        }
        let compressed: [UInt8]
        if let original, Gzip.isGzip(original) {
            compressed = original
        } else {
            // Level 1: several times faster than the default and only a little larger;
            // archiving must not be what limits a pull.
            do { compressed = try Gzip.compress(bytes, level: 1) } catch { throw .corrupt(path: entry.path, detail: error.description) }
        }
        try AtomicFile.write(Self.metadataMember(payload) + compressed, to: entry.path, syncingDirectory: syncingDirectory)
        index.record(key: entry.key ?? "", sequence: entry.sequence ?? 0, fileName: (entry.path as NSString).lastPathComponent)
        return entry
    }

    /// Syncs the archive's directory: the names of payloads stored with
    /// `syncingDirectory: false` survive a power loss once this returns.
    public func syncDirectory() throws(StoreError) {
        try AtomicFile.syncDirectory(of: directory + "/.")
    }

    /// Where a payload with this key goes: its existing entry, or the next sequence number.
    private func entryFor(key: String, payload: RawPayload) throws(StoreError) -> ArchivedPayload {
        let state = try index.state(directory)
        if let existing = state.byKey[key] {
            return ArchivedPayload(payload: payload, path: directory + "/" + existing.fileName, sequence: existing.sequence, key: key)
        }
        let sequence = state.last + 1
        let name = String(format: "%010d", sequence) + "." + key + ".gz"
        let path: String
        do { path = try ConfinedPath.join(directory, name) } catch { throw .corrupt(path: directory, detail: error.description) }
        return ArchivedPayload(payload: payload, path: path, sequence: sequence, key: key)
    }

    /// A file payload's entry: the one with the same content and options if
    /// it exists (nothing to write), else a new one. Keys come from a 64-bit
    /// hash and the size; two different contents that collide get `-2`, `-3` ….
    private func placeFile(_ payload: RawPayload, bytes: [UInt8]) throws(StoreError) -> ArchivedPayload {
        guard let base = payload.key else { throw .corrupt(path: directory, detail: "raw payload \(payload.name) has no identity") }
        var n = 1
        while true {
            let key = n == 1 ? base : "\(base)-\(n)"
            let entry = try entryFor(key: key, payload: payload)
            guard FileManager.default.fileExists(atPath: entry.path) else { return entry }
            if let existing = try? Self.read(entry.path), let other = existing.payload,
               other.format == payload.format, other.station == payload.station,
               other.unknownStations == payload.unknownStations, (try? load(existing)) == bytes {
                return entry
            }
            n += 1
        }
    }

    /// The first gzip member: empty, with the payload's metadata as its comment.
    static func metadataMember(_ payload: RawPayload) -> [UInt8] {
        let comment = Array((metadataPrefix + payload.json.serialized()).utf8).filter { $0 != 0 }
        // magic, deflate, FLG.FCOMMENT, mtime 0, XFL 0, OS unknown
        var member: [UInt8] = [0x1F, 0x8B, 0x08, 0x10, 0, 0, 0, 0, 0, 0xFF]
        member += comment + [0]
        member += [0x03, 0x00]                 // an empty final deflate block
        member += [0, 0, 0, 0, 0, 0, 0, 0]     // CRC-32 and size of nothing
        return member
    }

    static let metadataPrefix = "haze-raw 1 "

    // MARK: Reading

    /// Every archived payload with its metadata, in the order `haze rebuild`
    /// ingests them: the old layout first (path order), then by sequence.
    public func payloads() -> [ArchivedPayload] {
        var legacy: [ArchivedPayload] = []
        var current: [ArchivedPayload] = []
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = directory + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                guard Self.sequence(ofFileName: name) != nil, name.hasSuffix(".gz") else { continue }
                current.append((try? Self.read(path)) ?? ArchivedPayload(unreadable: path, sequence: Self.sequence(ofFileName: name),
                                                                        problem: "cannot be read"))
            case S_IFDIR:
                legacy += Self.legacyPayloads(under: name, in: directory)
            default:
                continue
            }
        }
        return legacy.sorted { $0.relativePath(in: directory) < $1.relativePath(in: directory) }
            + current.sorted { ($0.sequence ?? 0, $0.path) < ($1.sequence ?? 0, $1.path) }
    }

    /// A payload's content, decompressed (at most its recorded size, else
    /// `limit`), checked against the size and hash recorded when it was archived.
    public func load(_ entry: ArchivedPayload, limit: Int = Gzip.defaultLimit) throws(IngestError) -> [UInt8] {
        let compressed = try FileBytes.read(entry.path, limit: limit)
        let expected = entry.payload?.size
        let bytes: [UInt8]
        do {
            bytes = try Gzip.decompress(compressed, limit: expected ?? limit)
        } catch .tooLarge(let limit) {
            throw .unreadable(source: entry.path, reason: "damaged: decompresses to more than the \(limit) bytes recorded when it was archived")
        } catch {
            throw .unreadable(source: entry.path, reason: error.description)
        }
        if let expected, bytes.count != expected {
            throw .unreadable(source: entry.path, reason: "damaged: \(bytes.count) bytes where \(expected) were archived")
        }
        if let hash = entry.payload?.contentHash, StableHash.hex(bytes) != hash {
            throw .unreadable(source: entry.path, reason: "damaged: its content differs from what was archived (hash)")
        }
        return bytes
    }


    /// The entry of one current-layout file, from its header.
    static func read(_ path: String) throws(IngestError) -> ArchivedPayload {
        let name = (path as NSString).lastPathComponent
        let sequence = sequence(ofFileName: name)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(source: path, reason: "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        // The metadata is a few hundred bytes at the start: read that much, more only if needed.
        var head: [UInt8] = []
        var comment: String?
        for size in [4096, 1 << 16] where comment == nil {
            var chunk = [UInt8](repeating: 0, count: size - head.count)
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress!, $0.count) }
            if n <= 0 { break }
            head += chunk[0..<n]
            comment = gzipComment(head)
        }
        guard !head.isEmpty else { return ArchivedPayload(unreadable: path, sequence: sequence, problem: "empty or unreadable") }
        guard let comment, comment.hasPrefix(metadataPrefix),
              let json = try? JSONValue.parse(Array(comment.dropFirst(metadataPrefix.count).utf8)),
              let payload = RawPayload(json: json) else {
            return ArchivedPayload(unreadable: path, sequence: sequence, problem: "its metadata (first gzip member) is missing or damaged")
        }
        let key = String(name.dropFirst(11).dropLast(3))
        return ArchivedPayload(payload: payload, path: path, sequence: sequence, key: key)
    }

    /// The comment of the first gzip member's header (RFC 1952), if any.
    static func gzipComment(_ bytes: [UInt8]) -> String? {
        guard bytes.count >= 10, bytes[0] == 0x1F, bytes[1] == 0x8B, bytes[2] == 8 else { return nil }
        let flags = bytes[3]
        var i = 10
        if flags & 0x04 != 0 {  // FEXTRA
            guard i + 2 <= bytes.count else { return nil }
            i += 2 + Int(bytes[i]) + Int(bytes[i + 1]) << 8
        }
        if flags & 0x08 != 0 {  // FNAME
            while i < bytes.count && bytes[i] != 0 { i += 1 }
            i += 1
        }
        guard flags & 0x10 != 0, i < bytes.count else { return nil }
        guard let end = bytes[i...].firstIndex(of: 0) else { return nil }
        return String(decoding: bytes[i..<end], as: UTF8.self)
    }

    /// `0000000012.day.cnemc.2019-01-01.gz` → 12
    static func sequence(ofFileName name: String) -> Int? {
        let digits = name.utf8.prefix(11)
        guard digits.count == 11, digits.last == UInt8(ascii: "."),
              digits.dropLast().allSatisfy({ (48...57).contains($0) }) else { return nil }
        return Int(String(decoding: digits.dropLast(), as: UTF8.self))
    }

    /// Payloads of the layout before sequence numbers, with what their paths say.
    static func legacyPayloads(under top: String, in directory: String) -> [ArchivedPayload] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory + "/" + top) else { return [] }
        var found: [ArchivedPayload] = []
        while let next = enumerator.nextObject() as? String {
            let relative = top + "/" + next
            let path = directory + "/" + relative
            var info = stat()
            guard next.hasSuffix(".gz"), lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            let parts = relative.split(separator: "/").map(String.init)
            let file = String(parts[parts.count - 1].dropLast(3))
            var payload: RawPayload
            if parts.count >= 4, parts[1] == "openaq" {
                // raw/<source>/openaq/<station>/<sensor>_<from>_p<page>.json.gz
                payload = RawPayload(kind: .hours, source: parts[0], name: file)
                payload.format = .openaqV3
                payload.station = parts[2]
                payload.sensor = file.split(separator: "_").first.map(String.init)
            } else if parts.count == 4, parts[1].count == 4, let date = legacyDate(file) {
                // raw/<source>/<yyyy>/<MM>/<file>.gz
                payload = RawPayload(kind: .day, source: parts[0], name: file)
                payload.date = date  // the format is detected from the header, as the old rebuild did
            } else {
                // raw/ingest/<file>.gz and anything else: the format from the header.
                payload = RawPayload(kind: .file, source: parts[0], name: file)
            }
            found.append(ArchivedPayload(payload: payload, path: path, sequence: nil, key: nil))
        }
        return found
    }

    /// The day in a file name like `china_sites_20190101.csv`.
    static func legacyDate(_ name: String) -> CivilDate? {
        let runs = name.split(whereSeparator: { !$0.isASCII || !$0.isNumber }).map(String.init)
        return runs.first { $0.count == 8 }.flatMap { CivilDate(parsing: $0) }
    }
}

/// One payload in the archive: what it is, and where.
public struct ArchivedPayload: Sendable, Equatable {
    /// What the payload is; nil when its metadata cannot be read (`problem` says why).
    public var payload: RawPayload?
    /// The archived file.
    public var path: String
    /// Its place in the rebuild order (nil in the old layout).
    package var sequence: Int?
    /// Its identity in the archive (nil in the old layout).
    public var key: String?
    /// Why it cannot be used, when it cannot.
    public var problem: String?

    init(payload: RawPayload?, path: String, sequence: Int?, key: String?) {
        self.payload = payload
        self.path = path
        self.sequence = sequence
        self.key = key
    }

    init(unreadable path: String, sequence: Int?, problem: String) {
        self.init(payload: nil, path: path, sequence: sequence, key: nil)
        self.problem = problem
    }

    /// True for a payload of the layout before sequence numbers.
    var isLegacy: Bool { sequence == nil }

    func relativePath(in directory: String) -> String {
        path.hasPrefix(directory + "/") ? String(path.dropFirst(directory.count + 1)) : path
    }
}

/// The archive's keys and sequence numbers, read from `raw/` once per archive
/// value and kept up to date as it writes (one writer at a time: the store lock).
private final class SequenceIndex: Sendable {
    struct State {
        var byKey: [String: (sequence: Int, fileName: String)] = [:]
        var last = 0
    }

    private let state = Mutex<State?>(nil)

    func state(_ directory: String) throws(StoreError) -> State {
        if let known = state.withLock({ $0 }) { return known }
        var fresh = State()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name.hasSuffix(".gz") {
            guard let sequence = RawArchive.sequence(ofFileName: name) else { continue }
            let key = String(name.dropFirst(11).dropLast(3))
            fresh.byKey[key] = (sequence, name)
            fresh.last = max(fresh.last, sequence)
        }
        state.withLock { $0 = fresh }
        return fresh
    }

    func record(key: String, sequence: Int, fileName: String) {
        state.withLock { current in
            guard var known = current else { return }
            known.byKey[key] = (sequence, fileName)
            known.last = max(known.last, sequence)
            current = known
        }
    }
}
