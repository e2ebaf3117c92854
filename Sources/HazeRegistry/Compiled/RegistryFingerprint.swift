import HazeModel

/// What a loaded registry depends on: the directory as it was named (its
/// paths are in every message), every file read with the digest of its
/// bytes, and the program that loaded it (another build may load the same
/// files differently). Equal fingerprints, equal registries.
struct RegistryFingerprint: Equatable, Sendable {
    /// One file read: its path inside the directory and its contents' digest.
    struct File: Equatable, Sendable {
        var name: String
        var digest: ContentDigest

        static func == (a: File, b: File) -> Bool { a.name.sameBytes(as: b.name) && a.digest == b.digest }
    }

    var directory: String
    var loader: String
    var files: [File]

    static func == (a: RegistryFingerprint, b: RegistryFingerprint) -> Bool {
        a.directory.sameBytes(as: b.directory) && a.loader.sameBytes(as: b.loader) && a.files == b.files
    }

    func write(to w: inout ImageWriter) {
        w.string(directory)
        w.string(loader)
        w.count(files.count)
        for file in files {
            w.string(file.name)
            w.i64(Int64(bitPattern: file.digest.length))
            w.u32(file.digest.crc32)
            w.u32(file.digest.adler32)
        }
    }

    init(directory: String, loader: String, files: [File]) {
        self.directory = directory
        self.loader = loader
        self.files = files
    }

    init(from r: inout ImageReader) throws(ImageDamage) {
        directory = try r.string()
        loader = try r.string()
        let count = try r.count()
        files = []
        for _ in 0 ..< count {
            let name = try r.string()
            let length = UInt64(bitPattern: try r.i64())
            files.append(File(name: name, digest: ContentDigest(length: length, crc32: try r.u32(), adler32: try r.u32())))
        }
    }
}
