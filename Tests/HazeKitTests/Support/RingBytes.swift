import Foundation
@testable import HazeModel
@testable import HazeStore

/// A store's two ring files as each one's size and SHA-256: equal exactly
/// when the bytes are, and a failed comparison prints two short lines.
/// (Comparing the files as `Data` in `#expect` makes Swift Testing diff
/// them element by element on failure, which for rings of tens of
/// megabytes takes the process's memory and never ends.)
struct RingBytes: Equatable, CustomStringConvertible {
    let files: [String]

    init(_ store: String) throws {
        files = try [Store.hourlyFileName, Store.dailyFileName].map { name in
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: store + "/" + name)))
            let digest = SHA256.hash(bytes).map { String(format: "%02x", $0) }.joined()
            return "\(name): \(bytes.count) bytes, SHA-256 \(digest.prefix(16))…"
        }
    }

    var description: String { files.joined(separator: "; ") }
}
