#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// A file mapped into memory with `mmap(MAP_SHARED)`.
///
/// Writes through the mapping reach the page cache at once, so a killed
/// process loses nothing it wrote; `sync` (msync) orders them onto disk for
/// power loss. Space is allocated with `posix_fallocate`, never left sparse, so
/// a full disk fails up front instead of with SIGBUS in the middle of a write.
///
/// Every access is bounds-checked against the mapping: a damaged header can
/// make the store refuse a file, never read or write outside it.
package final class MappedFile {
    package let path: String
    package let writable: Bool
    private let descriptor: Int32
    package let base: UnsafeMutableRawPointer
    package let length: Int

    /// Opens an existing regular file.
    package init(openingExisting path: String, writable: Bool) throws(StoreError) {
        self.path = path
        self.writable = writable
        let fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw .system(path: path, operation: "open", errno: errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw .system(path: path, operation: "stat", errno: code)
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw .corrupt(path: path, detail: "not a regular file")
        }
        guard info.st_size > 0 else {
            close(fd)
            throw .corrupt(path: path, detail: "the file is empty")
        }
        self.descriptor = fd
        self.length = Int(info.st_size)
        do {
            self.base = try Self.map(fd: fd, length: length, writable: writable, path: path)
        } catch {
            close(fd)
            throw error
        }
    }

    /// Creates (or truncates) a file of `length` zero bytes, allocated on disk.
    package init(creating path: String, length: Int) throws(StoreError) {
        self.path = path
        self.writable = true
        guard length > 0 else { throw .invalidConfiguration("a ring file of \(length) bytes") }
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw .system(path: path, operation: "create", errno: errno) }
        let result = posix_fallocate(fd, 0, off_t(length))
        guard result == 0 else {
            close(fd)
            unlink(path)
            throw .system(path: path, operation: "allocate \(length) bytes", errno: result)
        }
        self.descriptor = fd
        self.length = length
        do {
            self.base = try Self.map(fd: fd, length: length, writable: true, path: path)
        } catch {
            close(fd)
            unlink(path)
            throw error
        }
    }

    private static func map(fd: Int32, length: Int, writable: Bool, path: String) throws(StoreError) -> UnsafeMutableRawPointer {
        let protection = writable ? PROT_READ | PROT_WRITE : PROT_READ
        let pointer = mmap(nil, length, protection, MAP_SHARED, fd, 0)
        guard let pointer, pointer != MAP_FAILED else {
            throw .system(path: path, operation: "mmap", errno: errno)
        }
        return pointer
    }

    deinit {
        munmap(base, length)
        close(descriptor)
    }

    /// Flushes `range` (bytes) of the mapping to disk and waits for it.
    package func sync(_ range: Range<Int>) throws(StoreError) {
        guard writable, !range.isEmpty else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = max(0, range.lowerBound) / page * page
        let end = min(length, range.upperBound)
        guard end > start else { return }
        SyncCount.add()
        guard msync(base + start, end - start, MS_SYNC) == 0 else {
            throw .system(path: path, operation: "msync", errno: errno)
        }
        SyncCount.observer?(path, start ..< end)
    }


    package func syncAll() throws(StoreError) { try sync(0 ..< length) }

    /// True when `count` bytes at `offset` lie inside the mapping.
    @inline(__always) package func contains(_ offset: Int, _ count: Int) -> Bool {
        offset >= 0 && count >= 0 && offset <= length - count
    }

    @inline(__always) private func check(_ offset: Int, _ count: Int) {
        precondition(contains(offset, count), "\(path): access of \(count) bytes at \(offset) outside the \(length)-byte mapping")
    }

    @inline(__always) private func checkWritable() {
        precondition(writable, "\(path): write through a read-only mapping")
    }

    // MARK: Little-endian field access

    @inline(__always) package func u8(_ offset: Int) -> UInt8 {
        check(offset, 1)
        return base.load(fromByteOffset: offset, as: UInt8.self)
    }
    @inline(__always) package func u16(_ offset: Int) -> UInt16 {
        check(offset, 2)
        return UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }
    @inline(__always) package func setU16(_ offset: Int, _ value: UInt16) {
        check(offset, 2); checkWritable()
        base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt16.self)
    }
    @inline(__always) package func u32(_ offset: Int) -> UInt32 {
        check(offset, 4)
        return UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
    @inline(__always) package func setU32(_ offset: Int, _ value: UInt32) {
        check(offset, 4); checkWritable()
        base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt32.self)
    }
    @inline(__always) package func u64(_ offset: Int) -> UInt64 {
        check(offset, 8)
        return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
    @inline(__always) package func setU64(_ offset: Int, _ value: UInt64) {
        check(offset, 8); checkWritable()
        base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt64.self)
    }
    @inline(__always) package func i32(_ offset: Int) -> Int32 { Int32(bitPattern: u32(offset)) }
    @inline(__always) package func setI32(_ offset: Int, _ value: Int32) { setU32(offset, UInt32(bitPattern: value)) }
    @inline(__always) package func i64(_ offset: Int) -> Int64 { Int64(bitPattern: u64(offset)) }
    @inline(__always) package func setI64(_ offset: Int, _ value: Int64) { setU64(offset, UInt64(bitPattern: value)) }

    package func bytes(_ range: Range<Int>) -> [UInt8] {
        check(range.lowerBound, range.count)
        return Array(UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count))
    }

    package func setBytes(_ offset: Int, _ bytes: [UInt8]) {
        check(offset, bytes.count); checkWritable()
        bytes.withUnsafeBytes { source in
            guard let start = source.baseAddress else { return }
            (base + offset).copyMemory(from: start, byteCount: source.count)
        }
    }

    /// A read-only view of `count` bytes at `offset`, for checksums and bulk reads.
    package func buffer(_ offset: Int, _ count: Int) -> UnsafeRawBufferPointer {
        check(offset, count)
        return UnsafeRawBufferPointer(start: base + offset, count: count)
    }

    /// A writable view of `count` bytes at `offset` (one bounds check for a
    /// whole row, instead of one per slot).
    package func mutableBytes(_ offset: Int, _ count: Int) -> UnsafeMutableRawPointer {
        check(offset, count); checkWritable()
        return base + offset
    }

    package func zero(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        check(range.lowerBound, range.count); checkWritable()
        memset(base + range.lowerBound, 0, range.count)
    }

    /// Copies `count` bytes from another mapping.
    package func copy(from source: MappedFile, at sourceOffset: Int, to offset: Int, count: Int) {
        guard count > 0 else { return }
        source.check(sourceOffset, count)
        check(offset, count); checkWritable()
        (base + offset).copyMemory(from: source.base + sourceOffset, byteCount: count)
    }
}

/// How many times this process has forced data to disk (`msync`, `fsync`):
/// what a durable commit costs on a busy disk, counted for `haze-bench`
/// and for tests of how often a run syncs.
package enum SyncCount {
    private static let count = Atomic<Int>(0)

    package static var value: Int { count.load(ordering: .relaxed) }

    /// Told of every sync made on this task, with the file and the bytes it
    /// made durable (nil: the whole file): the tests keep a copy of each file
    /// as it was at its last sync, what a power loss could leave on disk.
    @TaskLocal package static var observer: (@Sendable (_ path: String, _ range: Range<Int>?) -> Void)?

    static func add() { count.add(1, ordering: .relaxed) }
}
