import Foundation

/// Lines that end with CR alone (classic Mac OS, and exports from it) read as
/// lines: every reader of text (the CSV scanner, the registry, format
/// detection) takes a text that holds CRs and no LF at all as one whose lines
/// end with CR, and reads each CR as LF. Otherwise such a file was one long
/// header line: an ingest stored nothing, exit 0, and said nothing of why
/// (found in review). A text with any LF is read as before: LF or CR LF line
/// ends, a stray CR inside a line left as it is.
package enum LineBreaks {
    static let lf = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")

    /// True when `bytes` holds a CR and no LF. (An LF file is told at its
    /// first line break, by `memchr`: no pass over the whole file.)
    package static func areCR(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return false }
            return memchr(base, Int32(lf), buffer.count) == nil && memchr(base, Int32(cr), buffer.count) != nil
        }
    }

    /// `bytes` as a reader of lines takes them: every CR made LF when its
    /// lines end with CR (`areCR`; the same length, so positions and line
    /// numbers are those of the original), otherwise unchanged.
    package static func normalized(_ bytes: [UInt8]) -> [UInt8] {
        guard areCR(bytes) else { return bytes }
        var out = bytes
        out.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices where buffer[i] == cr { buffer[i] = lf }
        }
        return out
    }
}
