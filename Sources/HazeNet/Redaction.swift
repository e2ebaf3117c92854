import Foundation

/// Hides the credential-bearing parts of URLs before they reach a terminal or
/// a log. The one place haze does this: `haze pull` and the alert webhook both
/// print URLs only through it.
///
/// Redacted, as `***`:
/// - the user information (`https://***@host/…`: user name and password);
/// - every query value (`?key=***&page=***`; robot keys and API tokens live there)
///   and any query item without a value;
/// - the fragment;
/// - path tokens of chat-robot webhooks: every segment after `hook`, `hooks`,
///   `webhook`, `webhooks` or `services` (Feishu `/bot/v2/hook/<token>`, Slack
///   `/services/T…/B…/<token>`, Discord `/api/webhooks/<id>/<token>`), except the
///   verbs `send` and version segments (`v2`);
/// - any path segment that looks like a token: 20 or more letters, digits, `-`
///   and `_`, with at least one letter and one digit.
///
/// Works on the text, so an unparsable URL is redacted too.
public enum Redaction {
    /// The URL as it may be printed: user info, query values, the fragment and token-like path segments replaced by `***`.
    public static func redact(_ url: URL) -> String { redact(url: url.absoluteString) }

    /// One URL.
    public static func redact(url text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        var out = String(text[..<schemeEnd.upperBound])
        var rest = text[schemeEnd.upperBound...]
        // Authority: up to the first '/', '?' or '#'.
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") {
            out += "***@" + authority[authority.index(after: at)...]
        } else {
            out += authority
        }
        rest = rest[authorityEnd...]
        // Fragment.
        var fragment: Substring?
        if let hash = rest.firstIndex(of: "#") {
            fragment = rest[rest.index(after: hash)...]
            rest = rest[..<hash]
        }
        // Query.
        var query: Substring?
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        out += redactPath(rest)
        if let query {
            out += "?" + query.split(separator: "&", omittingEmptySubsequences: false).map { item -> String in
                if item.isEmpty { return "" }
                guard let equals = item.firstIndex(of: "=") else { return "***" }
                let name = item[..<equals]
                return item[item.index(after: equals)...].isEmpty ? String(item) : name + "=***"
            }.joined(separator: "&")
        }
        if let fragment { out += fragment.isEmpty ? "#" : "#***" }
        return out
    }

    /// Every `http://` or `https://` URL inside a message.
    public static func redact(text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let start = firstURLStart(in: rest) {
            out += rest[..<start]
            let tail = rest[start...]
            var end = tail.firstIndex { $0.isWhitespace || $0 == "\"" || $0 == "'" || $0 == "<" || $0 == ">" || $0 == "`" }
                ?? tail.endIndex
            // Punctuation closing the sentence (`…/x: reason`, `(…/x)`) is not part of the URL.
            while end > tail.startIndex, let last = tail[..<end].last, ":,.;)]}!?".contains(last) {
                end = tail.index(before: end)
            }
            out += redact(url: String(tail[..<end]))
            rest = tail[end...]
        }
        return out + rest
    }

    private static func firstURLStart(in text: Substring) -> Substring.Index? {
        let http = text.range(of: "http://", options: .caseInsensitive)?.lowerBound
        let https = text.range(of: "https://", options: .caseInsensitive)?.lowerBound
        switch (http, https) {
        case let (a?, b?): return min(a, b)
        case let (a?, nil): return a
        case let (nil, b?): return b
        default: return nil
        }
    }

    static let hookWords: Set<String> = ["hook", "hooks", "webhook", "webhooks", "services"]
    static let keptAfterHook: Set<String> = ["send", "v1", "v2", "v3", "v4"]

    private static func redactPath(_ path: Substring) -> String {
        var afterHook = false
        return path.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            let lower = segment.lowercased()
            if segment.isEmpty { return "" }
            if hookWords.contains(lower) {
                afterHook = true
                return String(segment)
            }
            if afterHook && !keptAfterHook.contains(lower) { return "***" }
            return looksLikeToken(segment) ? "***" : String(segment)
        }.joined(separator: "/")
    }

    private static func looksLikeToken(_ segment: Substring) -> Bool {
        guard segment.utf8.count >= 20 else { return false }
        var letter = false, digit = false
        for byte in segment.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = true
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): letter = true
            case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "%"): continue
            default: return false
            }
        }
        return letter && digit
    }
}
