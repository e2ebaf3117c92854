import Foundation
import HazeModel
import HazeNet

/// Statements sent to ClickHouse over its HTTP interface with haze's
/// `HTTPClient` (URLSession over libcurl). Failed attempts without an answer
/// (connection refused or reset, deadline) are retried with backoff —
/// safe, because every INSERT haze sends replaces rows by key instead of
/// adding them; an answer from ClickHouse (its error text) is final.
package struct ClickHouseConnection: Sendable {
    package let target: ClickHouseTarget
    let client: HTTPClient
    let attempts: Int
    let backoff: Double

    package init(target: ClickHouseTarget, client: HTTPClient = HTTPClient(policy: .init(deadline: 900, attemptTimeout: 300)),
                 attempts: Int = 4, backoff: Double = 0.5) {
        self.target = target
        self.client = client
        self.attempts = max(1, attempts)
        self.backoff = backoff
    }

    /// Runs a statement (with `body` as its data) and returns ClickHouse's answer.
    /// `label` names the statement in errors (`INSERT INTO haze.hourly`).
    @discardableResult
    package func run(_ statement: String, body: [UInt8]? = nil, label: String? = nil,
                     log: (String) -> Void = { _ in }) throws(ClickHouseError) -> [UInt8] {
        let request = target.request(statement, body: body)
        let what = label ?? Self.label(statement)
        var attempt = 0
        while true {
            attempt += 1
            switch client.exchange(request) {
            case .success(let response) where (200...299).contains(response.status):
                return [UInt8](response.body)
            case .success(let response):
                let text = String(decoding: response.body.prefix(2000), as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                let message = Redaction.redact(text: !text.isEmpty ? text
                    : response.status == 401 ? "authentication failed: wrong user or password (ClickHouse's text is not readable through URLSession on Linux for a 401)"
                    : "no error text")
                let error = ClickHouseError.server(url: target.shown, status: response.status, statement: what, message: message)
                // Overloaded or restarting (502–504, no ClickHouse error code): worth another try.
                guard [502, 503, 504].contains(response.status) && !text.hasPrefix("Code:") && attempt < attempts else { throw error }
                log("attempt \(attempt) failed: \(error)")
            case .failure(let failure):
                guard failure.isRetryable, attempt < attempts else { throw .transport(failure, statement: what) }
                log("attempt \(attempt) failed: \(failure)")
            }
            Thread.sleep(forTimeInterval: backoff * pow(2, Double(attempt - 1)) * Double.random(in: 0.5...1.5))
        }
    }

    /// The statement's first words, for messages (`INSERT INTO haze.hourly`, `SELECT`).
    static func label(_ statement: String) -> String {
        let words = statement.split(whereSeparator: { $0.isWhitespace }).prefix(6)
        if words.first?.uppercased() == "INSERT" { return words.prefix(3).joined(separator: " ") }
        if words.first?.uppercased() == "CREATE" { return words.prefix(6).joined(separator: " ") }
        return words.prefix(1).joined(separator: " ")
    }

    /// Rows of a `FORMAT TabSeparated` answer, fields unescaped.
    package static func tabSeparated(_ bytes: [UInt8]) -> [[String]] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map { line in
            line.split(separator: "\t", omittingEmptySubsequences: false).map(unescape)
        }
    }

    /// Undoes TabSeparated's escapes (`\t`, `\n`, `\\` …).
    static func unescape(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var out = ""
        var escaped = false
        for ch in field {
            if escaped {
                switch ch {
                case "t": out.append("\t")
                case "n": out.append("\n")
                case "r": out.append("\r")
                case "0": out.append("\0")
                case "b": out.append("\u{8}")
                case "f": out.append("\u{c}")
                default: out.append(ch)
                }
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else {
                out.append(ch)
            }
        }
        return out
    }
}
