/// How large one message to a receiver may be, counted as its API counts.
///
/// WeCom limits the `content` text (UTF-8 bytes: 2048 for text, 4096 for
/// markdown); DingTalk (20000 bytes) and Feishu (20 KB) the request body. None
/// of the four documents a character limit; `maxCharacters`, when set, counts
/// UTF-16 code units — what Java's `String.length()` and JavaScript count (a
/// CJK character is one, an emoji two) — of what is counted.
public struct MessageLimits: Sendable, Equatable {
    /// What the byte and character limits count.
    public enum Counted: String, Sendable, Equatable {
        /// The message text alone.
        case content
        /// The whole request body (JSON, escapes included).
        case body
    }

    var maxBytes: Int
    var maxCharacters: Int?
    /// What the limits count.
    public var counted: Counted

    /// At most `maxBytes` UTF-8 bytes and `maxCharacters` UTF-16 units (nil: no character limit) of what `counted` says.
    public init(maxBytes: Int, maxCharacters: Int? = nil, counted: Counted) {
        self.maxBytes = maxBytes
        self.maxCharacters = maxCharacters
        self.counted = counted
    }

    /// No limit (a JSON webhook or Alertmanager: the batch size bounds them).
    public static let none = MessageLimits(maxBytes: Int.max, counted: .body)

    /// True when `text` (the content or body, as `counted` says) is within both limits.
    package func allow(_ text: String) -> Bool {
        guard text.utf8.count <= maxBytes else { return false }
        if let maxCharacters, text.utf16.count > maxCharacters { return false }
        return true
    }
}
