import Foundation

/// A registry image mapped read-only for the time of one decode, instead of
/// read into memory: its 8 MB (a province's) are the page cache's pages,
/// mapped without a copy, where a read into a new buffer made every page
/// fault in (zero-filled) and copied it — about 4 ms of every `haze rank`.
///
/// The cache replaces an image only by renaming a new file over it, and
/// prunes by unlinking: a mapped image is never truncated or rewritten in
/// place by haze (only the user, whose file it is, could do that while a
/// command reads it; the command would then stop with SIGBUS, never read a
/// changed image as the old one: its CRC covers the body).
final class MappedImage {
    /// The mapped bytes (empty for an empty file).
    let bytes: UnsafeRawBufferPointer

    /// Maps `length` bytes of the open file `fd` (a regular file of that length).
    init?(fd: Int32, length: Int) {
        guard length > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let base = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else { return nil }
        // Read once from start to end (the checksum, then the body): read ahead.
        _ = madvise(base, length, MADV_SEQUENTIAL)
        bytes = UnsafeRawBufferPointer(start: base, count: length)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
