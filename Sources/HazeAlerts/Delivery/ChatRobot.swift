import Foundation
import HazeModel
import HazeNet

/// A chat group's robot: WeCom (企业微信) 群机器人, DingTalk (钉钉) 自定义机器人,
/// Feishu (飞书) 自定义机器人. Reports go as digests within the robot's
/// message limit, signed when the robot has a secret, at most its quota per
/// minute; an HTTP 200 whose body carries a non-zero `errcode` / `code` is a
/// failure, never a delivery.
struct ChatRobot: AlertReceiver {
    enum Vendor: String, Sendable, CaseIterable {
        case wecom, dingtalk, feishu
    }

    enum Format: String, Sendable, CaseIterable {
        case text, markdown
    }

    let id: String
    let vendor: Vendor
    var kind: String { vendor.rawValue }
    let url: URL
    /// The signing secret (DingTalk `SEC…`, Feishu), nil without signing.
    let secret: String?
    let format: Format
    let digest: AlertDigest
    let limits: MessageLimits
    let pacing: ReceiverPacing
    /// WeCom `mentioned_mobile_list`, DingTalk `at.atMobiles` (text messages).
    let mobiles: [String]
    let mentionAll: Bool

    init(id: String, vendor: Vendor, url: URL, secret: String? = nil, format: Format? = nil,
                style: AlertDigest.Style = .init(), reportsPerMessage: Int = 100, limits: MessageLimits? = nil,
                pacing: ReceiverPacing? = nil, mobiles: [String] = [], mentionAll: Bool = false) {
        self.id = id
        self.vendor = vendor
        self.url = url
        self.secret = secret
        let format = format ?? (vendor == .wecom ? .markdown : .text)
        self.format = format
        var style = style
        style.markdown = format == .markdown
        // DingTalk shows a mention only when the text carries "@mobile".
        if vendor == .dingtalk { style.mentions = mobiles }
        self.digest = AlertDigest(style: style, maxReports: reportsPerMessage)
        self.limits = limits ?? Self.documentedLimits(vendor, format)
        self.pacing = pacing ?? Self.documentedPacing(vendor)
        self.mobiles = mobiles
        self.mentionAll = mentionAll
    }

    /// The vendors' documented message limits (see the README for the sources).
    static func documentedLimits(_ vendor: Vendor, _ format: Format) -> MessageLimits {
        switch vendor {
        case .wecom: MessageLimits(maxBytes: format == .markdown ? 4096 : 2048, counted: .content)
        case .dingtalk: MessageLimits(maxBytes: 20_000, counted: .body)
        case .feishu: MessageLimits(maxBytes: 20_000, counted: .body)
        }
    }

    /// The vendors' documented quotas: 20 messages a minute per WeCom or
    /// DingTalk robot (DingTalk then blocks the robot for 10 minutes), 100 a
    /// minute and 5 a second per Feishu robot. The minute is taken as 61
    /// seconds, a second's margin for clocks that differ.
    static func documentedPacing(_ vendor: Vendor) -> ReceiverPacing {
        switch vendor {
        case .wecom: ReceiverPacing(windows: [.init(count: 20, seconds: 61)], throttleSeconds: 60)
        case .dingtalk: ReceiverPacing(windows: [.init(count: 20, seconds: 61)], throttleSeconds: 600)
        case .feishu: ReceiverPacing(windows: [.init(count: 100, seconds: 61), .init(count: 5, seconds: 1.5)], throttleSeconds: 60)
        }
    }

    func nextMessage(_ lines: ArraySlice<String>) -> AlertMessage {
        // Signatures and timestamps have a fixed length, so a body built at
        // any time measures the same as the one sent.
        let sample = Date(timeIntervalSince1970: 1_551_366_000)
        return digest.message(lines) { content in
            limits.allow(limits.counted == .content ? content : String(decoding: body(content, now: sample), as: UTF8.self))
        }
    }

    /// The request body for a message text.
    func body(_ content: String, now: Date) -> [UInt8] {
        var fields: [(String, JSONValue)] = []
        let mobiles = self.mobiles.map { JSONValue.string($0) }
        switch vendor {
        case .wecom:
            if format == .markdown {
                fields = [("msgtype", .string("markdown")), ("markdown", .object([("content", .string(content))]))]
            } else {
                var text: [(String, JSONValue)] = [("content", .string(content))]
                let list = mobiles + (mentionAll ? [.string("@all")] : [])
                if !list.isEmpty { text.append(("mentioned_mobile_list", .array(list))) }
                fields = [("msgtype", .string("text")), ("text", .object(text))]
            }
        case .dingtalk:
            if format == .markdown {
                let title = digest.style.keyword.map { "\($0) haze" } ?? "haze"
                fields = [("msgtype", .string("markdown")), ("markdown", .object([("title", .string(title)), ("text", .string(content))]))]
            } else {
                fields = [("msgtype", .string("text")), ("text", .object([("content", .string(content))]))]
            }
            if !mobiles.isEmpty || mentionAll {
                fields.append(("at", .object([("atMobiles", .array(mobiles)), ("isAtAll", .bool(mentionAll))])))
            }
        case .feishu:
            if let secret {
                let timestamp = Int64(now.timeIntervalSince1970.rounded(.down))
                fields = [("timestamp", .string(String(timestamp))),
                          ("sign", .string(RobotSignature.feishu(timestampSeconds: timestamp, secret: secret)))]
            }
            fields += [("msg_type", .string("text")), ("content", .object([("text", .string(content))]))]
        }
        return Array(JSONValue.object(fields).serialized().utf8)
    }

    /// The URL of one call: DingTalk's carries `timestamp` and `sign` when signed.
    func target(now: Date) -> URL {
        guard vendor == .dingtalk, let secret else { return url }
        let timestamp = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
        let separator = url.absoluteString.contains("?") ? "&" : "?"
        let signed = url.absoluteString + separator + "timestamp=\(timestamp)&sign=" + RobotSignature.dingTalk(timestampMilliseconds: timestamp, secret: secret)
        return URL(string: signed) ?? url
    }

    func post(_ message: AlertMessage, now: Date) -> DeliveryAnswer {
        let request = HTTPRequest(url: target(now: now), method: "POST",
                                  headers: ["Content-Type": "application/json; charset=utf-8", "User-Agent": "haze/\(HazeVersion.current)"],
                                  body: Data(body(message.payload, now: now)))
        let client = HTTPClient(policy: .init(deadline: pacing.attemptTimeout, attemptTimeout: pacing.attemptTimeout, attempts: 1))
        switch client.exchange(request) {
        case .failure(let error):
            return ReceiverAnswer.transport(error)
        case .success(let response):
            if let answer = ReceiverAnswer.status(response, url: url, throttleSeconds: pacing.throttleSeconds) { return answer }
            return judge(response.body)
        }
    }

    /// An HTTP 2xx answer: the robot's own code says whether it took the message.
    func judge(_ body: Data) -> DeliveryAnswer {
        guard let answer = ReceiverAnswer.object(body) else {
            return .failed(retryable: false, detail: "the answer is not a \(vendor.rawValue) robot's JSON" + ReceiverAnswer.excerpt(body))
        }
        switch vendor {
        case .wecom, .dingtalk:
            guard let code = ReceiverAnswer.code(answer, "errcode") else {
                return .failed(retryable: false, detail: "the answer has no errcode" + ReceiverAnswer.excerpt(body))
            }
            let detail = "errcode \(code): \(AlertDigest.plain(answer["errmsg"]?.stringValue ?? ""))"
            switch code {
            case 0: return .accepted
            // WeCom 45009 "api freq out of limit"; DingTalk 130101 "send too fast,
            // exceed 20 times per minute" and 410100 (the same, newer code).
            case 45009, 130101, 410100: return .throttled(seconds: pacing.throttleSeconds, detail: detail)
            case -1: return .failed(retryable: true, detail: detail + " (system busy)")
            default: return .failed(retryable: false, detail: detail)
            }
        case .feishu:
            guard let code = ReceiverAnswer.code(answer, "code") ?? ReceiverAnswer.code(answer, "StatusCode") else {
                return .failed(retryable: false, detail: "the answer has no code" + ReceiverAnswer.excerpt(body))
            }
            let detail = "code \(code): \(AlertDigest.plain(answer["msg"]?.stringValue ?? answer["StatusMessage"]?.stringValue ?? ""))"
            switch code {
            case 0: return .accepted
            // 11232 frequency limited; 99991400 request trigger frequency limit.
            case 11232, 99991400: return .throttled(seconds: pacing.throttleSeconds, detail: detail)
            default: return .failed(retryable: false, detail: detail)
            }
        }
    }
}
