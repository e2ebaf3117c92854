import CZlib

/// Raw deflate (RFC 1951, no zlib or gzip wrapper) through the system zlib:
/// the compression method 8 of a ZIP entry, and so of an `.xlsx` part.
package enum RawDeflate {
    /// Compresses `input` to one raw deflate stream (`deflateInit2` with
    /// window bits −15, memory level 8, the default strategy).
    package static func compress(_ input: [UInt8], level: Int32 = 6) throws(Gzip.Failure) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corrupt("deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var consumed = 0
        var status = Z_OK
        repeat {
            input.withUnsafeBufferPointer { inBuf in
                chunk.withUnsafeMutableBufferPointer { outBuf in
                    // zlib counts in 32 bits: feed at most 4 GiB − 1 at a time.
                    let given = UInt32(clamping: input.count - consumed)
                    stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress.map { $0 + consumed })
                    stream.avail_in = given
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = UInt32(clamping: outBuf.count)
                    let last = consumed + Int(given) == input.count
                    status = deflate(&stream, last ? Z_FINISH : Z_NO_FLUSH)
                    consumed += Int(given - stream.avail_in)
                }
            }
            output.append(contentsOf: chunk[0 ..< chunk.count - Int(stream.avail_out)])
        } while status == Z_OK || (status == Z_BUF_ERROR && consumed < input.count)
        guard status == Z_STREAM_END else { throw .corrupt("deflate status \(status)") }
        return output
    }

    /// Decompresses one raw deflate stream (for checks and tests), stopping
    /// with `.tooLarge` past `limit` bytes.
    package static func decompress(_ input: [UInt8], limit: Int = Gzip.defaultLimit) throws(Gzip.Failure) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corrupt("inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var consumed = 0
        while true {
            var produced = 0
            let status = input.withUnsafeBufferPointer { inBuf -> Int32 in
                chunk.withUnsafeMutableBufferPointer { outBuf -> Int32 in
                    let given = UInt32(clamping: input.count - consumed)
                    stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress.map { $0 + consumed })
                    stream.avail_in = given
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = UInt32(clamping: outBuf.count)
                    let result = inflate(&stream, Z_NO_FLUSH)
                    consumed += Int(given - stream.avail_in)
                    produced = outBuf.count - Int(stream.avail_out)
                    return result
                }
            }
            guard output.count + produced <= limit else { throw .tooLarge(limit: limit) }
            output.append(contentsOf: chunk[0 ..< produced])
            if status == Z_STREAM_END { return output }
            guard status == Z_OK || status == Z_BUF_ERROR else {
                throw .corrupt(stream.msg.map { String(cString: $0) } ?? "zlib status \(status)")
            }
            if status == Z_BUF_ERROR || (consumed >= input.count && produced == 0) { throw .truncated }
        }
    }
}
