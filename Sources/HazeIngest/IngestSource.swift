import Foundation
import HazeModel

/// Where an ingest reads from.
public enum IngestSource: Sendable, Equatable {
    /// A file on disk (plain or gzip-compressed).
    case file(String)
    /// Standard input (`-`).
    case standardInput
    /// Bytes already in memory (a pulled payload), with a name for messages.
    case payload(name: String, bytes: [UInt8])

    /// The name used in messages and for the quarantine file.
    public var name: String {
        switch self {
        case .file(let path): path
        case .standardInput: "stdin"
        case .payload(let name, _): name
        }
    }

    /// What tells this source apart from others of the same name, for its
    /// quarantine file: a file's path (`d1/x.csv` is not `d2/x.csv`), standard
    /// input's content, a payload's name.
    func identity(content: [UInt8]) -> String {
        switch self {
        case .file(let path): path
        case .standardInput: "stdin#" + StableHash.hex(content)
        case .payload(let name, _): name
        }
    }

    /// Expands command-line paths: a directory becomes its files in name order
    /// (hidden files skipped), `-` is standard input. Paths that do not exist
    /// are returned as failures so the run can continue with the rest.
    public static func expand(_ paths: [String]) -> (sources: [IngestSource], missing: [String]) {
        var sources: [IngestSource] = []
        var missing: [String] = []
        for path in paths {
            if path == "-" { sources.append(.standardInput); continue }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                missing.append(path)
                continue
            }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                for name in names.sorted() where !name.hasPrefix(".") {
                    let child = (path as NSString).appendingPathComponent(name)
                    var childIsDirectory: ObjCBool = false
                    if FileManager.default.fileExists(atPath: child, isDirectory: &childIsDirectory), !childIsDirectory.boolValue {
                        sources.append(.file(child))
                    }
                }
            } else {
                sources.append(.file(path))
            }
        }
        return (sources, missing)
    }

    /// The payload as read, and its bytes (decompressed when it was gzip),
    /// refusing anything larger than `limit` bytes, read or decompressed.
    /// Files, FIFOs, `/dev/stdin` and `<(…)` are all read to their end.
    package func load(limit: Int = Gzip.defaultLimit) throws(IngestError) -> LoadedInput {
        let original: [UInt8]
        switch self {
        case .file(let path):
            original = try FileBytes.read(path, limit: limit)
        case .standardInput:
            original = try FileBytes.read(descriptor: 0, name: name, limit: limit)
        case .payload(_, let payload):
            guard payload.count <= limit else { throw .tooLarge(source: name, limit: limit, decompressed: false) }
            original = payload
        }
        return try decompressed(original, limit: limit)
    }

    /// The same, a file read into `buffer` (its capacity reused from the
    /// file before: no new pages to fault in), which the input then shares
    /// until it is dropped.
    package func load(limit: Int, reusing buffer: inout [UInt8]) throws(IngestError) -> LoadedInput {
        guard case .file(let path) = self else { return try load(limit: limit) }
        try FileBytes.read(path, limit: limit, into: &buffer)
        return try decompressed(buffer, limit: limit)
    }

    private func decompressed(_ original: [UInt8], limit: Int) throws(IngestError) -> LoadedInput {
        guard Gzip.isGzip(original) else { return LoadedInput(original: original, bytes: original) }
        do {
            return LoadedInput(original: original, bytes: try Gzip.decompress(original, limit: limit))
        } catch .tooLarge {
            throw .tooLarge(source: name, limit: limit, decompressed: true)
        } catch {
            throw .unreadable(source: name, reason: error.description)
        }
    }
}

/// An input as read (`original`, possibly gzip) and its decompressed bytes.
package struct LoadedInput: Sendable {
    package var original: [UInt8]
    package var bytes: [UInt8]
}

/// Why a whole source could not be ingested (row-level problems are rejections).
public enum IngestError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(source: String, reason: String)
    case unknownFormat(source: String, firstLine: String)
    case notFound(String)
    /// Larger than the limit for one input (read, or once decompressed: a gzip bomb).
    case tooLarge(source: String, limit: Int, decompressed: Bool)

    public var description: String {
        switch self {
        case .unreadable(let source, let reason):
            return "\(source): \(reason)"
        case .unknownFormat(let source, let firstLine):
            return "\(source): cannot tell the format from the first line ('\(firstLine)'); expected a CNEMC header (date,hour,type,…), a long CSV header (station,time,pollutant,value) or OpenAQ JSON — or pass --format"
        case .notFound(let path):
            return "\(path): no such file or directory"
        case .tooLarge(let source, let limit, let decompressed):
            return "\(source): \(decompressed ? "decompresses to" : "is") more than \(ByteSize.describe(limit)), the limit for one input; not read (a gzip bomb, or raise the limit: `haze ingest --max-size MIB`, `max_size_mib` in haze.json)"
        }
    }
}
