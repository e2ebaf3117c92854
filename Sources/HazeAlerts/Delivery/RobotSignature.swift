import HazeModel

/// The signatures chat robots with signing security require on every call.
enum RobotSignature {
    /// DingTalk 加签: `timestamp` (milliseconds) + "\n" + secret, signed with
    /// HMAC-SHA256 under the secret, Base64-encoded, then URL-encoded — the
    /// value of the `sign` query parameter (with `timestamp`), as DingTalk's
    /// custom-robot documentation gives it. The timestamp must be within an
    /// hour of DingTalk's clock.
    static func dingTalk(timestampMilliseconds: Int64, secret: String) -> String {
        let text = "\(timestampMilliseconds)\n\(secret)"
        let mac = SHA256.hmac(key: Array(secret.utf8), message: Array(text.utf8))
        return percentEncoded(Base64.encode(mac))
    }

    /// Feishu 签名校验: `timestamp` (seconds) + "\n" + secret is the HMAC-SHA256
    /// *key*, the message is empty, the result Base64-encoded — sent as
    /// `timestamp` and `sign` in the JSON body (not URL-encoded).
    static func feishu(timestampSeconds: Int64, secret: String) -> String {
        let key = "\(timestampSeconds)\n\(secret)"
        return Base64.encode(SHA256.hmac(key: Array(key.utf8), message: []))
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters
    /// (Base64's `+`, `/` and `=` become `%2B`, `%2F`, `%3D`).
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}
