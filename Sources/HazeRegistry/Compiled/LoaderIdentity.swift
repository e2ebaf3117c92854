import Glibc
import HazeModel

/// The build of haze that loads a registry, as an image records it: its
/// version, the binary's GNU build-id (the linker's hash of its contents)
/// and the binary file's identity (device, inode, size, modification time).
/// A rebuilt, upgraded or replaced binary never takes an image another made,
/// even one written in place with its size and time kept.
enum LoaderIdentity {
    /// This process's identity; nil when the binary cannot be told (no
    /// `/proc`): then no image is used at all.
    static let current: String? = {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return nil }
        let build = buildID(ofELF: "/proc/self/exe").map(hex) ?? "none"
        return "\(HazeVersion.current) build-id \(build) file \(info.st_dev):\(info.st_ino):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }()

    /// The GNU build-id note of a little-endian 64-bit ELF file (what
    /// `readelf -n` shows as "Build ID"); nil when the file is not one or has
    /// none. Every offset and length read from the file is bounds-checked.
    static func buildID(ofELF path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        let size = UInt64(info.st_size)
        func bytes(at offset: UInt64, count: Int) -> [UInt8]? {
            guard count >= 0, offset <= size, UInt64(count) <= size - offset else { return nil }
            var out = [UInt8](repeating: 0, count: count)
            var filled = 0
            while filled < count {
                let n = out.withUnsafeMutableBytes { buffer -> Int in
                    guard let base = buffer.baseAddress else { return 0 }
                    return pread(fd, base + filled, count - filled, off_t(offset) + off_t(filled))
                }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return nil }
                filled += n
            }
            return out
        }
        // The ELF header: magic, 64-bit, little-endian; where the program headers are.
        guard let header = bytes(at: 0, count: 64), header.prefix(4).elementsEqual([0x7F, 0x45, 0x4C, 0x46]),
              header[4] == 2, header[5] == 1 else { return nil }
        let programHeaders = u64(header, 32)
        let entrySize = Int(u16(header, 54)), entries = Int(u16(header, 56))
        guard entrySize >= 56, entries <= 512,
              let table = bytes(at: programHeaders, count: entrySize * entries) else { return nil }
        for k in 0 ..< entries {
            let entry = k * entrySize
            guard u32(table, entry) == 4 else { continue }   // PT_NOTE
            let alignment = u64(table, entry + 48) == 8 ? 8 : 4
            let length = u64(table, entry + 32)
            guard length <= 1 << 16, let notes = bytes(at: u64(table, entry + 8), count: Int(length)) else { continue }
            if let id = gnuBuildID(in: notes, alignment: alignment) { return id }
        }
        return nil
    }

    /// The descriptor of the note of type 3 (NT_GNU_BUILD_ID) owned by "GNU".
    private static func gnuBuildID(in notes: [UInt8], alignment: Int) -> [UInt8]? {
        func aligned(_ n: Int) -> Int { (n + alignment - 1) / alignment * alignment }
        var offset = 0
        while notes.count - offset >= 12 {
            let nameSize = Int(u32(notes, offset)), descriptorSize = Int(u32(notes, offset + 4))
            let type = u32(notes, offset + 8)
            let name = offset + 12
            guard nameSize <= notes.count - name else { return nil }
            let descriptor = name + aligned(nameSize)
            guard descriptor <= notes.count, descriptorSize <= notes.count - descriptor else { return nil }
            if type == 3, notes[name ..< name + nameSize].elementsEqual(Array("GNU\0".utf8)), descriptorSize > 0 {
                return Array(notes[descriptor ..< descriptor + descriptorSize])
            }
            offset = descriptor + aligned(descriptorSize)
        }
        return nil
    }

    private static func u16(_ b: [UInt8], _ at: Int) -> UInt16 { UInt16(b[at]) | UInt16(b[at + 1]) << 8 }
    private static func u32(_ b: [UInt8], _ at: Int) -> UInt32 { (0 ..< 4).reduce(0) { $0 | UInt32(b[at + $1]) << (8 * $1) } }
    private static func u64(_ b: [UInt8], _ at: Int) -> UInt64 { (0 ..< 8).reduce(0) { $0 | UInt64(b[at + $1]) << (8 * $1) } }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes { out += [digits[Int(byte >> 4)], digits[Int(byte & 15)]] }
        return String(decoding: out, as: UTF8.self)
    }
}
