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

    /// The payload's bytes, decompressed when gzip.
    func load() throws(IngestError) -> [UInt8] {
        var bytes: [UInt8]
        switch self {
        case .file(let path):
            bytes = try FileBytes.read(path)
        case .standardInput:
            bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        case .payload(_, let payload):
            bytes = payload
        }
        if Gzip.isGzip(bytes) {
            do {
                bytes = try Gzip.decompress(bytes)
            } catch {
                throw .unreadable(source: name, reason: error.description)
            }
        }
        return bytes
    }
}

/// Why a whole source could not be ingested (row-level problems are rejections).
public enum IngestError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(source: String, reason: String)
    case unknownFormat(source: String, firstLine: String)
    case notFound(String)

    public var description: String {
        switch self {
        case .unreadable(let source, let reason):
            return "\(source): \(reason)"
        case .unknownFormat(let source, let firstLine):
            return "\(source): cannot tell the format from the first line ('\(firstLine)'); expected a CNEMC header (date,hour,type,…), a long CSV header (station,time,pollutant,value) or OpenAQ JSON — or pass --format"
        case .notFound(let path):
            return "\(path): no such file or directory"
        }
    }
}

/// Reads a whole file straight into a byte array (one copy, no `Data`).
enum FileBytes {
    static func read(_ path: String) throws(IngestError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw .unreadable(source: path, reason: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(source: path, reason: "cannot stat") }
        let size = Int(info.st_size)
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var done = 0
            while done < size {
                let n = Foundation.read(fd, buffer.baseAddress! + done, size - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    if n < 0 { failure = errno }
                    break
                }
                done += n
            }
            count = done
        }
        if failure != 0 { throw .unreadable(source: path, reason: "read failed: \(String(cString: strerror(failure)))") }
        return bytes
    }
}
