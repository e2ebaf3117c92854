import CZlib

/// gzip (RFC 1952) through the system's zlib.
public enum Gzip {
    /// Why gzip data could not be decompressed; `description` is a message for the user.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case corrupt(String)
        case truncated
        /// The data decompresses to more than `limit` bytes (a gzip bomb, or a
        /// payload larger than the caller accepts); decompression stopped there.
        case tooLarge(limit: Int)

        public var description: String {
            switch self {
            case .corrupt(let detail): "gzip data is corrupt (\(detail))"
            case .truncated: "gzip data ends before its end-of-stream marker (truncated)"
            case .tooLarge(let limit): "gzip data decompresses to more than \(ByteSize.describe(limit)), the limit for one input"
            }
        }
    }

    /// The default limit on decompressed size: 1 GiB, far above any day file
    /// (CNEMC's are under 2 MB) and below what would exhaust a server's memory.
    public static let defaultLimit = 1 << 30

    /// True when `bytes` start with the gzip magic number.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Decompresses a gzip stream (concatenated members included), in 256 KiB
    /// chunks, stopping with `.tooLarge` as soon as the output passes `limit`
    /// bytes: memory stays bounded by the limit whatever the input claims.
    public static func decompress(_ input: [UInt8], limit: Int = defaultLimit) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corrupt("inflateInit failed")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        output.reserveCapacity(max(0, input.count > limit / 6 ? limit : input.count * 6))
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        var status: Int32 = Z_OK
        var consumed = 0
        while true {
            status = input.withUnsafeBufferPointer { inBuf -> Int32 in
                chunk.withUnsafeMutableBufferPointer { outBuf -> Int32 in
                    // zlib counts in 32 bits: feed at most 4 GiB − 1 at a time.
                    let given = UInt32(clamping: input.count - consumed)
                    stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress.map { $0 + consumed })
                    stream.avail_in = given
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = UInt32(clamping: outBuf.count)
                    let result = inflate(&stream, Z_NO_FLUSH)
                    consumed += Int(given - stream.avail_in)
                    return result
                }
            }
            let produced = chunk.count - Int(stream.avail_out)
            guard output.count + produced <= limit else { throw .tooLarge(limit: limit) }
            output.append(contentsOf: chunk[0..<produced])
            if status == Z_STREAM_END {
                // Another member may follow (`cat a.gz b.gz`).
                if consumed < input.count, isGzip(Array(input[consumed...].prefix(2))) {
                    inflateReset(&stream)
                    continue
                }
                return output
            }
            guard status == Z_OK || status == Z_BUF_ERROR else {
                throw .corrupt(stream.msg.map { String(cString: $0) } ?? "zlib status \(status)")
            }
            if status == Z_BUF_ERROR || (consumed >= input.count && produced == 0) {
                throw .truncated
            }
        }
    }

    /// Compresses to a single gzip member.
    package static func compress(_ input: [UInt8], level: Int32 = 6) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corrupt("deflateInit failed")
        }
        defer { deflateEnd(&stream) }
        let bound = Int(clamping: deflateBound(&stream, UInt(input.count))) + 32
        var output = [UInt8](repeating: 0, count: bound)
        // zlib counts in 32 bits: feed and collect at most 4 GiB − 1 at a time.
        var consumed = 0
        var status = Z_OK
        input.withUnsafeBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                var produced = 0
                repeat {
                    let given = UInt32(clamping: input.count - consumed)
                    let room = UInt32(clamping: outBuf.count - produced)
                    stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress.map { $0 + consumed })
                    stream.avail_in = given
                    stream.next_out = outBuf.baseAddress.map { $0 + produced }
                    stream.avail_out = room
                    let last = consumed + Int(given) == input.count
                    status = deflate(&stream, last ? Z_FINISH : Z_NO_FLUSH)
                    consumed += Int(given - stream.avail_in)
                    produced += Int(room - stream.avail_out)
                } while status == Z_OK && produced < outBuf.count
            }
        }
        guard status == Z_STREAM_END else { throw .corrupt("deflate status \(status)") }
        output.removeSubrange(min(Int(clamping: stream.total_out), output.count)...)
        return output
    }
}
