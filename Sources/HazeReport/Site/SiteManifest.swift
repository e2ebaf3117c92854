import HazeModel

/// `.haze-site.json` in the site's directory: every page haze wrote there
/// with the fingerprint of its inputs and the hash and size of its bytes,
/// and the month summaries with the fingerprint of their data. A page whose
/// inputs are unchanged and whose file is still as written is not made
/// again; a page made again is written only if its bytes differ, so an
/// unchanged page keeps its modification time. Only pages listed here are
/// ever removed.
struct SiteManifest: Equatable {
    struct Page: Equatable {
        var inputs: String
        var content: String
        var bytes: Int
    }

    struct CachedMonth: Equatable {
        var inputs: String
        var summary: MonthSummary
    }

    static let format = "haze-site"
    static let version = 1

    var pages: [String: Page] = [:]
    var months: [String: CachedMonth] = [:]

    static func key(_ level: String, _ month: Month) -> String { "\(level)/\(month)" }

    /// Reads a manifest; nil when there is none. A manifest that cannot be
    /// read is reported, and the site is then made again in full.
    static func load(_ bytes: [UInt8]) -> SiteManifest? {
        guard let value = try? JSONValue.parse(bytes), value["format"]?.stringValue == format,
              value["version"]?.numberValue == Double(version) else { return nil }
        var manifest = SiteManifest()
        for (path, page) in value["pages"]?.objectFields ?? [] {
            guard let inputs = page["inputs"]?.stringValue, let content = page["content"]?.stringValue,
                  let bytes = page["bytes"]?.numberValue.flatMap({ Int(exactly: $0) }) else { continue }
            manifest.pages[path] = Page(inputs: inputs, content: content, bytes: bytes)
        }
        for (key, cached) in value["months"]?.objectFields ?? [] {
            guard let inputs = cached["inputs"]?.stringValue, let summary = cached["summary"].flatMap(MonthSummary.init(json:)) else { continue }
            manifest.months[key] = CachedMonth(inputs: inputs, summary: summary)
        }
        return manifest
    }

    var bytes: [UInt8] {
        let value = JSONValue.object([
            ("format", .string(Self.format)), ("version", .int(Self.version)),
            ("pages", .object(pages.keys.sorted().compactMap { path in
                pages[path].map { (path, .object([("inputs", .string($0.inputs)), ("content", .string($0.content)), ("bytes", .int($0.bytes))])) }
            })),
            ("months", .object(months.keys.sorted().compactMap { key in
                months[key].map { (key, .object([("inputs", .string($0.inputs)), ("summary", $0.summary.json())])) }
            })),
        ])
        return Array((value.serialized(pretty: true) + "\n").utf8)
    }
}
