import CLibcurl

/// libcurl, which FoundationNetworking needs for every request, is opened
/// when the network is first used (CLibcurl), not when haze starts: commands
/// that stay on the machine do not pay for loading it, and run where it is
/// not installed.
package enum Libcurl {
    /// Why libcurl could not be loaded; nil once it is loaded (tried once per process).
    package static let failure: String? = reason { haze_libcurl_load($0, $1) }

    /// Why the library `name` could not serve as libcurl; nil if it could.
    /// Nothing is loaded for haze's use.
    package static func problem(with name: String) -> String? {
        reason { haze_libcurl_probe(name, $0, $1) }
    }

    private static func reason(_ attempt: (UnsafeMutablePointer<CChar>, Int) -> Int32) -> String? {
        var text = [CChar](repeating: 0, count: 512)
        let loaded = text.withUnsafeMutableBufferPointer { buffer in
            // The buffer has a base address: it is never empty.
            guard let base = buffer.baseAddress else { return Int32(0) }
            return attempt(base, buffer.count)
        }
        guard loaded == 0 else { return nil }
        let why = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return "libcurl could not be loaded (\(why)); install it (Debian: apt install libcurl4) to use the network (pull, alert delivery, export clickhouse)"
    }
}
