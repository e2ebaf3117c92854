import Foundation
import HazeModel

/// Reads inputs straight into a byte array (no `Data` copy), to their end:
/// the size `fstat` reports is only a hint, so FIFOs, pipes, `/dev/stdin` and
/// process substitutions (`<(zcat f.gz)`), whose size is 0, are read whole.
/// Nothing larger than the limit is kept in memory.
enum FileBytes {
    static func read(_ path: String, limit: Int) throws(IngestError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw .unreadable(source: path, reason: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        return try read(descriptor: fd, name: path, limit: limit)
    }

    /// The same, into `buffer` (emptied first, its capacity reused): a
    /// worker reading file after file does not fault in new pages for each.
    static func read(_ path: String, limit: Int, into buffer: inout [UInt8]) throws(IngestError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw .unreadable(source: path, reason: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw .unreadable(source: path, reason: "cannot stat: \(String(cString: strerror(errno)))")
        }
        // Only a regular file's size is known ahead; anything else is read as always.
        guard info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) <= limit else {
            buffer = try read(descriptor: fd, name: path, limit: limit)
            return
        }
        let size = Int(info.st_size)
        buffer.removeAll(keepingCapacity: true)
        // With room to spare: the next file, a little larger, fits too.
        if buffer.capacity < size { buffer.reserveCapacity(size + size / 4) }
        buffer.append(contentsOf: repeatElement(0, count: size))
        var failure: Int32 = 0
        let count = buffer.withUnsafeMutableBytes { target -> Int in
            var count = 0
            while count < size {
                let n = Foundation.read(fd, target.baseAddress! + count, size - count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    if n < 0 { failure = errno }
                    break
                }
                count += n
            }
            return count
        }
        if failure != 0 { throw .unreadable(source: path, reason: "read failed: \(String(cString: strerror(failure)))") }
        buffer.removeLast(size - count)
        guard count == size else { return }
        // A file still growing: the rest in chunks, as `read(descriptor:)` does.
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreadable(source: path, reason: "read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            guard buffer.count + n <= limit else { throw .tooLarge(source: path, limit: limit, decompressed: false) }
            buffer.append(contentsOf: chunk[0 ..< n])
        }
    }

    static func read(descriptor fd: Int32, name: String, limit: Int) throws(IngestError) -> [UInt8] {
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw .unreadable(source: name, reason: "cannot stat: \(String(cString: strerror(errno)))")
        }
        if info.st_mode & S_IFMT == S_IFDIR { throw .unreadable(source: name, reason: "is a directory") }
        let size = info.st_mode & S_IFMT == S_IFREG ? Int(info.st_size) : 0
        if size > limit { throw .tooLarge(source: name, limit: limit, decompressed: false) }
        var failure: Int32 = 0
        // A regular file: its size in one read, into the array's own storage.
        var bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let n = Foundation.read(fd, buffer.baseAddress! + count, size - count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    if n < 0 { failure = errno }
                    break
                }
                count += n
            }
        }
        // Then, for everything else (or a file still growing), chunks to the end.
        var chunk = [UInt8](repeating: 0, count: size > 0 ? 1 << 16 : 1 << 20)
        while failure == 0 {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            if n == 0 { break }
            guard bytes.count + n <= limit else { throw .tooLarge(source: name, limit: limit, decompressed: false) }
            bytes.append(contentsOf: chunk[0..<n])
        }
        if failure != 0 { throw .unreadable(source: name, reason: "read failed: \(String(cString: strerror(failure)))") }
        return bytes
    }
}
