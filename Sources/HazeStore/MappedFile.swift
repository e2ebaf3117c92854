#if canImport(Glibc)
import Glibc
#endif

/// A file mapped into memory with `mmap(MAP_SHARED)`.
///
/// Writes through the mapping reach the page cache at once, so a killed
/// process loses nothing it wrote; `sync` (msync) orders them onto disk for
/// power loss. Space is allocated with `posix_fallocate`, never left sparse, so
/// a full disk fails up front instead of with SIGBUS in the middle of a write.
final class MappedFile: @unchecked Sendable {
    let path: String
    let writable: Bool
    private let descriptor: Int32
    private(set) var base: UnsafeMutableRawPointer
    private(set) var length: Int

    /// Opens an existing file.
    init(openingExisting path: String, writable: Bool) throws(StoreError) {
        self.path = path
        self.writable = writable
        let fd = open(path, writable ? O_RDWR | O_CLOEXEC : O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .system(path: path, operation: "open", errno: errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw .system(path: path, operation: "stat", errno: code)
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
    init(creating path: String, length: Int) throws(StoreError) {
        self.path = path
        self.writable = true
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
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
    func sync(_ range: Range<Int>) throws(StoreError) {
        guard writable, !range.isEmpty else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = range.lowerBound / page * page
        let end = min(length, range.upperBound)
        guard msync(base + start, end - start, MS_SYNC) == 0 else {
            throw .system(path: path, operation: "msync", errno: errno)
        }
    }

    func syncAll() throws(StoreError) { try sync(0 ..< length) }

    // MARK: Little-endian field access

    @inline(__always) func u16(_ offset: Int) -> UInt16 {
        UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }
    @inline(__always) func setU16(_ offset: Int, _ value: UInt16) {
        base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt16.self)
    }
    @inline(__always) func u32(_ offset: Int) -> UInt32 {
        UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
    @inline(__always) func setU32(_ offset: Int, _ value: UInt32) {
        base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt32.self)
    }
    @inline(__always) func i32(_ offset: Int) -> Int32 { Int32(bitPattern: u32(offset)) }
    @inline(__always) func setI32(_ offset: Int, _ value: Int32) { setU32(offset, UInt32(bitPattern: value)) }
    @inline(__always) func i64(_ offset: Int) -> Int64 {
        Int64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: Int64.self))
    }
    @inline(__always) func setI64(_ offset: Int, _ value: Int64) {
        base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: Int64.self)
    }

    func bytes(_ range: Range<Int>) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count))
    }

    func setBytes(_ offset: Int, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { source in
            guard let start = source.baseAddress else { return }
            (base + offset).copyMemory(from: start, byteCount: source.count)
        }
    }

    func zero(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        memset(base + range.lowerBound, 0, range.count)
    }
}
