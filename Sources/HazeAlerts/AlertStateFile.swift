import Foundation
import HazeModel

/// The bytes of `alerts/state.json`: a header line, then the state as one
/// line of JSON.
///
///     {"bytes":2811,"fnv1a64":"5be0cd19137e2179","format":"haze-alert-state","version":2}
///     {"clock_cursor":{…},"data_cursor":{"all":429790,"subjects":{…}},"log_size":null,"open":[…],"outbox":{…},"pending":[]}
///
/// `bytes` and `fnv1a64` (FNV-1a, 64 bit, over the second line without its
/// line break) let a reader tell a truncated, extended or changed file from a
/// good one. Both lines are JSON, so `jq` reads the file as it is. A file of
/// format 1 (one JSON object with one shared `lastEvaluated` cursor, written
/// before per-subject state) is read and upgraded: every subject starts from
/// that cursor.
enum AlertStateFile {
    static let format = "haze-alert-state"

    private struct Header: Codable {
        var format: String
        var version: Int
        var bytes: Int
        var fnv1a64: String
    }

    private struct Body: Codable {
        var data_cursor: SubjectCursors
        var clock_cursor: SubjectCursors
        var open: [OpenEpisode]
        var pending: [String]
        var log_size: Int?
        var outbox: [String: [String]]
    }

    /// Format 1, as `AlertState` encoded it before per-subject state.
    private struct FormatOne: Codable {
        var version: Int
        var lastEvaluated: Int?
        var open: [OpenEpisode]
        var pending: [String]
        var logSize: Int?
        var outbox: [String]
    }

    static func encode(_ state: AlertState) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let open = state.open.sorted(by: OpenEpisode.precedes)
        let body = Body(data_cursor: state.dataCursors, clock_cursor: state.clockCursors, open: open,
                        pending: state.pending, log_size: state.logSize, outbox: state.outbox.filter { !$0.value.isEmpty })
        // Encoding plain strings, numbers and dictionaries cannot fail.
        let bodyBytes = (try? encoder.encode(body)).map { [UInt8]($0) } ?? []
        let header = Header(format: format, version: AlertState.formatVersion, bytes: bodyBytes.count,
                            fnv1a64: StableHash.hex(bodyBytes))
        let headerBytes = (try? encoder.encode(header)).map { [UInt8]($0) } ?? []
        return headerBytes + [0x0A] + bodyBytes + [0x0A]
    }

    /// Reads a state file; the version it was written in comes back too (1 = upgraded).
    static func decode(_ bytes: [UInt8], path: String) throws(AlertFileProblem) -> (state: AlertState, version: Int) {
        func fail(_ cause: AlertFileProblem.Cause) -> AlertFileProblem { AlertFileProblem(path: path, cause: cause) }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0 }) { throw fail(.empty) }
        let firstBreak = bytes.firstIndex(of: 0x0A) ?? bytes.count
        let firstLine = Array(bytes[..<firstBreak])
        let decoder = JSONDecoder()
        if let header = try? decoder.decode(Header.self, from: Data(firstLine)) {
            guard header.format == format else { throw fail(.garbage("format '\(header.format)'")) }
            guard header.version <= AlertState.formatVersion else {
                throw fail(.newerVersion(found: header.version, supported: AlertState.formatVersion))
            }
            guard header.version == AlertState.formatVersion else { throw fail(.garbage("header of format \(header.version)")) }
            let start = min(firstBreak + 1, bytes.count)
            var body = Array(bytes[start...])
            if body.last == 0x0A { body.removeLast() }
            guard body.count >= header.bytes else { throw fail(.truncated(expected: header.bytes, found: body.count)) }
            guard body.count == header.bytes else { throw fail(.extended(expected: header.bytes, found: body.count)) }
            let sum = StableHash.hex(body)
            guard sum == header.fnv1a64 else { throw fail(.checksum(expected: header.fnv1a64, found: sum)) }
            let decoded: Body
            do {
                decoded = try decoder.decode(Body.self, from: Data(body))
            } catch {
                throw fail(.undecodable(Self.explain(error)))
            }
            var state = AlertState()
            state.dataCursors = decoded.data_cursor
            state.clockCursors = decoded.clock_cursor
            state.open = decoded.open
            state.pending = decoded.pending
            state.logSize = decoded.log_size
            state.outbox = decoded.outbox
            if let problem = inconsistency(state) { throw fail(.inconsistent(problem)) }
            return (state, header.version)
        }
        // Format 1: one JSON object, no header.
        if bytes.first == UInt8(ascii: "{"), let old = try? decoder.decode(FormatOne.self, from: Data(bytes)) {
            guard old.version == 1 else { throw fail(.garbage("a state object of version \(old.version) without a header")) }
            var state = AlertState()
            state.dataCursors = SubjectCursors(all: old.lastEvaluated)
            state.open = old.open
            state.pending = old.pending
            state.logSize = old.logSize
            if !old.outbox.isEmpty { state.outbox = [Webhook.receiverID: old.outbox] }
            if let problem = inconsistency(state) { throw fail(.inconsistent(problem)) }
            return (state, 1)
        }
        let preview = String(decoding: firstLine.prefix(40), as: UTF8.self)
        if firstBreak == bytes.count, bytes.first == UInt8(ascii: "{") {
            throw fail(.garbage("no header line and not a state of format 1 either; it starts '\(preview)'"))
        }
        throw fail(.garbage("the first line is not a haze alert-state header; it starts '\(preview)'"))
    }

    /// What makes a decoded state impossible, if anything.
    static func inconsistency(_ state: AlertState) -> String? {
        // Numbers read from disk are input like any other: hours must be
        // hours and levels small, or arithmetic on them could overflow and trap.
        let hours = Hour.representable
        for (name, cursors) in [("data cursor", state.dataCursors), ("clock cursor", state.clockCursors)] {
            for hour in [cursors.all].compactMap({ $0 }) + Array(cursors.subjects.values) where !hours.contains(hour) {
                return "\(name) \(hour) is not an hour"
            }
        }
        var seen = Set<String>()
        for episode in state.open {
            guard hours.contains(episode.since), hours.contains(episode.lastReported),
                  (0 ... 1000).contains(episode.level), (0 ... 1000).contains(episode.reportedLevel) else {
                return "episode \(episode.rule)/\(episode.subject) has hours or levels no episode can have"
            }
            let key = episode.rule + "|" + episode.subject
            guard seen.insert(key).inserted else { return "episode \(episode.rule)/\(episode.subject) is open twice" }
            guard episode.since <= episode.lastReported, episode.level >= 0, episode.reportedLevel >= 0 else {
                return "episode \(episode.rule)/\(episode.subject) has impossible hours or levels"
            }
        }
        if let size = state.logSize, size < 0 { return "negative log size" }
        return nil
    }

    private static func explain(_ error: Error) -> String {
        if case DecodingError.keyNotFound(let key, _) = error { return "field '\(key.stringValue)' missing" }
        if case DecodingError.typeMismatch(_, let context) = error {
            return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        }
        if case DecodingError.dataCorrupted(let context) = error { return context.debugDescription }
        return "\(error)"
    }
}
