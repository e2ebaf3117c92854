import Foundation
import HazeModel
import HazeNet

/// Reading what a receiver answered: transport failures, HTTP statuses, and
/// the error codes chat robots put in an HTTP 200 body.
enum ReceiverAnswer {
    /// No complete answer: a timeout, a reset, a short body may pass; a redirect will not.
    static func transport(_ error: HTTPError) -> DeliveryAnswer {
        .failed(retryable: error.isRetryable, detail: error.description)
    }

    /// The answer for a status outside 2xx, nil for 2xx; the URL is named redacted.
    static func status(_ response: HTTPResponse, url: URL, throttleSeconds: Double) -> DeliveryAnswer? {
        let shown = Redaction.redact(url)
        switch response.status {
        case 200...299:
            return nil
        case 429:
            let wait = retryAfter(response) ?? throttleSeconds
            return .throttled(seconds: wait, detail: "\(shown): HTTP 429 Too Many Requests" + excerpt(response.body))
        case 408, 500...599:
            return .failed(retryable: true, detail: "\(shown): HTTP \(response.status)" + excerpt(response.body))
        default:
            return .failed(retryable: false, detail: "\(shown): HTTP \(response.status)" + excerpt(response.body))
        }
    }

    /// `Retry-After` in seconds (the HTTP-date form is not used by these APIs).
    static func retryAfter(_ response: HTTPResponse) -> Double? {
        guard let text = response.headers["retry-after"], let seconds = Double(text.trimmingCharacters(in: .whitespaces)),
              seconds.isFinite, seconds >= 0 else { return nil }
        return min(seconds, 86_400)
    }

    /// The body as a JSON object, or nil.
    static func object(_ body: Data) -> JSONValue? {
        guard let value = try? JSONValue.parse([UInt8](body)), value.objectFields != nil else { return nil }
        return value
    }

    /// An error code field as a whole number (`"errcode": 0`), nil when absent or not a number.
    static func code(_ value: JSONValue?, _ name: String) -> Int? {
        guard let number = value?[name]?.numberValue, number.isFinite, number.rounded() == number,
              abs(number) < 1e15 else { return nil }
        return Int(number)
    }

    /// `: <the body's start>` for a message: control characters removed, URLs redacted, at most 200 characters.
    static func excerpt(_ body: Data) -> String {
        let text = AlertDigest.plain(String(decoding: body.prefix(600), as: UTF8.self)).trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return "" }
        let short = text.count > 200 ? String(text.prefix(200)) + "…" : text
        return ": " + Redaction.redact(text: short)
    }
}
