import HazeNet

/// Why a ClickHouse export or ranking failed. Every URL in a message has
/// passed `Redaction`; credentials never appear.
public enum ClickHouseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The target or its credentials are not usable (a usage error).
    case configuration(String)
    /// No complete answer: connection refused or lost, deadline passed.
    case transport(HTTPError, statement: String)
    /// ClickHouse answered with an error: its status and its own text.
    case server(url: String, status: Int, statement: String, message: String)
    /// ClickHouse answered 200 but the answer is not what the statement asks for.
    case answer(url: String, statement: String, reason: String)
    /// The data cannot be sent as it is (an hour ClickHouse's DateTime cannot hold …).
    case data(String)

    public var description: String {
        switch self {
        case .configuration(let text): return text
        case .transport(let error, let statement): return "ClickHouse \(statement): \(error)"
        case .server(let url, let status, let statement, let message):
            return "ClickHouse at \(url) refused \(statement) (HTTP \(status)): \(message)"
        case .answer(let url, let statement, let reason): return "ClickHouse at \(url), \(statement): \(reason)"
        case .data(let text): return text
        }
    }

    /// Whether running again later may succeed (nothing was wrong with the request).
    public var isTemporary: Bool {
        switch self {
        case .transport: return true
        case .server(_, let status, _, _): return status == 503 || status == 502 || status == 504
        default: return false
        }
    }
}
