import Foundation
import HazeModel

/// The build of haze that loads a registry, as an image records it: its
/// version, the running program's GNU build-id (the linker's hash of its
/// contents, read from the program's own notes in memory) and the identity
/// of the file the program was mapped from (device, inode, size,
/// modification and change times) — both right however it was started, even
/// through `ld.so` or from an execute-only file. A rebuilt, upgraded or
/// replaced binary never takes an image another made.
enum LoaderIdentity {
    /// This process's identity; nil when the program has no build-id or its
    /// file cannot be told: then no image is used at all.
    static let current: String? = {
        guard let program = runningProgram(), let build = program.buildID,
              let file = mappedFile(containing: program.headers) else { return nil }
        var info = stat()
        guard stat(file.path, &info) == 0,
              deviceNumbers(UInt64(info.st_dev)) == file.device, UInt64(info.st_ino) == file.inode else { return nil }
        return "\(HazeVersion.current) build-id \(SHA256.hex(build)) file \(info.st_dev):\(info.st_ino):\(info.st_size)"
            + ":\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec):\(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)"
    }()

    /// The running program as the dynamic linker reports it first: its
    /// build-id and where its program headers are mapped.
    struct Program {
        var buildID: [UInt8]?
        var headers: UInt = 0
    }

    /// The build-id of the running program.
    static func runningBuildID() -> [UInt8]? { runningProgram()?.buildID }

    static func runningProgram() -> Program? {
        typealias Iterate = @convention(c) (Visit, UnsafeMutableRawPointer?) -> Int32
        // dl_iterate_phdr is glibc's, but not in Swift's Glibc module.
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "dl_iterate_phdr") else { return nil }
        let iterate = unsafeBitCast(symbol, to: Iterate.self)
        let found = UnsafeMutablePointer<Program>.allocate(capacity: 1)
        found.initialize(to: Program())
        defer { found.deinitialize(count: 1); found.deallocate() }
        _ = iterate(visitProgram, UnsafeMutableRawPointer(found))
        return found.pointee.headers == 0 ? nil : found.pointee
    }

    /// The file a mapping of this process at `address` comes from, as
    /// `/proc/self/maps` tells it: device (major, minor), inode and path.
    static func mappedFile(containing address: UInt) -> (device: (UInt64, UInt64), inode: UInt64, path: String)? {
        guard let data = FileManager.default.contents(atPath: "/proc/self/maps") else { return nil }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            // start-end perms offset major:minor inode path
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count == 6 else { continue }
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16),
                  start <= address, address < end else { continue }
            let device = fields[3].split(separator: ":")
            guard device.count == 2, let major = UInt64(device[0], radix: 16), let minor = UInt64(device[1], radix: 16),
                  let inode = UInt64(fields[4]), inode != 0 else { return nil }
            let path = fields[5].trimmingCharacters(in: .whitespaces)
            guard path.hasPrefix("/") else { return nil }
            return ((major, minor), inode, path)
        }
        return nil
    }

    /// glibc's encoding of a device number into its major and minor parts.
    static func deviceNumbers(_ device: UInt64) -> (UInt64, UInt64) {
        let major = ((device >> 8) & 0xFFF) | ((device >> 32) & ~UInt64(0xFFF))
        let minor = (device & 0xFF) | ((device >> 12) & ~UInt64(0xFF))
        return (major, minor)
    }

    private typealias Visit = @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Int32

    /// dl_iterate_phdr's callback: the first object's (the program's)
    /// build-id and headers into the `Program` at `context`; 1 stops after it.
    private static let visitProgram: Visit = { info, _, context in
        // struct dl_phdr_info: load bias (8), name (8), program headers (8), their count (2).
        guard let info, let context else { return 1 }
        let bias = info.load(as: UInt.self)
        guard let headers = info.load(fromByteOffset: 16, as: UnsafeRawPointer?.self) else { return 1 }
        context.assumingMemoryBound(to: Program.self).pointee.headers = UInt(bitPattern: headers)
        let count = Int(info.load(fromByteOffset: 24, as: UInt16.self))
        for k in 0 ..< count {
            let header = headers + 56 * k   // Elf64_Phdr
            guard header.load(as: UInt32.self) == 4 else { continue }   // PT_NOTE
            let address = bias &+ UInt(header.load(fromByteOffset: 16, as: UInt64.self))
            let size = Int(header.load(fromByteOffset: 40, as: UInt64.self))
            let alignment = header.load(fromByteOffset: 48, as: UInt64.self) == 8 ? 8 : 4
            guard size > 0, size <= 1 << 16, let start = UnsafeRawPointer(bitPattern: address) else { continue }
            if let id = gnuBuildID(in: UnsafeRawBufferPointer(start: start, count: size), alignment: alignment) {
                context.assumingMemoryBound(to: Program.self).pointee.buildID = id
                break
            }
        }
        return 1
    }

    /// The descriptor of the note of type 3 (NT_GNU_BUILD_ID) owned by "GNU"
    /// among ELF notes; every size is bounds-checked against `notes`.
    static func gnuBuildID(in notes: UnsafeRawBufferPointer, alignment: Int) -> [UInt8]? {
        func aligned(_ n: Int) -> Int { (n + alignment - 1) / alignment * alignment }
        func u32(_ at: Int) -> Int { Int(UInt32(littleEndian: notes.loadUnaligned(fromByteOffset: at, as: UInt32.self))) }
        var offset = 0
        while notes.count - offset >= 12 {
            let nameSize = u32(offset), descriptorSize = u32(offset + 4), type = u32(offset + 8)
            let name = offset + 12
            guard nameSize <= notes.count - name else { return nil }
            let descriptor = name + aligned(nameSize)
            guard descriptor <= notes.count, descriptorSize <= notes.count - descriptor else { return nil }
            if type == 3, nameSize == 4, notes[name ..< name + 4].elementsEqual(Array("GNU\0".utf8)), descriptorSize > 0 {
                return Array(notes[descriptor ..< descriptor + descriptorSize])
            }
            offset = descriptor + aligned(descriptorSize)
        }
        return nil
    }
}
