import Foundation
import HazeModel
import HazeNet

/// Where ClickHouse is: its HTTP interface, the database haze's tables live
/// in, and the credentials, read from environment variables the user names
/// (`--user-env`, `--password-env`), never from the command line or the URL.
public struct ClickHouseTarget: Sendable, Equatable {
    /// `http(s)://host:port` (a path prefix is allowed, for a proxy).
    public var url: URL
    /// The database holding haze's tables (`hourly`, `stations`, `membership`); created by the first export.
    public var database: String
    package var user: String?
    package var password: String?

    /// Checks the URL and the database name and reads the credentials from
    /// the named variables of `environment`. A URL carrying a user, a
    /// password, a query or a fragment is refused: secrets stay in the environment.
    public init(url text: String, database: String = "haze", userVariable: String? = nil, passwordVariable: String? = nil,
                environment: [String: String]) throws(ClickHouseError) {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty else {
            throw .configuration("--url '\(Redaction.redact(url: text))' is not an http:// or https:// URL of ClickHouse's HTTP interface (e.g. http://127.0.0.1:8123)")
        }
        guard url.user == nil, url.password == nil else {
            throw .configuration("--url carries credentials; put the user and password in environment variables and name them with --user-env and --password-env")
        }
        guard url.query == nil, url.fragment == nil else {
            throw .configuration("--url '\(Redaction.redact(url: text))' has a query or fragment; give only scheme, host, port (and a path prefix)")
        }
        guard Self.isIdentifier(database) else {
            throw .configuration("--database '\(database)' is not a plain ClickHouse name (letters, digits and _, not starting with a digit, at most 64)")
        }
        func read(_ variable: String?, _ option: String) throws(ClickHouseError) -> String? {
            guard let variable else { return nil }
            guard EnvironmentTemplate.isVariableName(variable) else {
                throw .configuration("\(option) '\(variable)' is not an environment variable name (letters, digits and _, not starting with a digit)")
            }
            guard let value = environment[variable] else {
                throw .configuration("\(option) names $\(variable), which is not set")
            }
            guard !value.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" || $0 == "\r\n" }) else {
                throw .configuration("$\(variable) (\(option)) holds CR, LF or NUL")
            }
            return value
        }
        self.url = url
        self.database = database
        self.user = try read(userVariable, "--user-env")
        self.password = try read(passwordVariable, "--password-env")
        if password != nil && user == nil { self.user = "default" }
    }

    /// The URL as it may be printed (redacted, without credentials).
    public var shown: String { Redaction.redact(url) }

    /// `http://host:8123 database haze`: what a cursor is for.
    package var identity: String { "\(shown) database \(database)" }

    /// The request for one statement, with `body` as its data (an INSERT's rows).
    package func request(_ statement: String, body: [UInt8]? = nil) -> HTTPRequest {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false) ?? URLComponents()
        if components.path.isEmpty { components.path = "/" }
        var items = [URLQueryItem(name: "query", value: statement)]
        // Make the whole INSERT one block (atomic), whatever the server's default.
        if body != nil { items.append(URLQueryItem(name: "max_insert_block_size", value: "10000000")) }
        components.queryItems = items
        // '+' is a space to ClickHouse's form decoding; URLComponents leaves it as is.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        var headers = ["User-Agent": "haze/\(HazeVersion.current)"]
        if let user {
            headers["Authorization"] = "Basic " + Base64.encode(Array("\(user):\(password ?? "")".utf8))
        }
        return HTTPRequest(url: components.url ?? url, method: "POST", headers: headers, body: Data(body ?? []))
    }

    /// A ClickHouse identifier haze accepts unquoted.
    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first), name.utf8.count <= 64 else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }
}
