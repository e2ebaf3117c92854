import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeCLI

/// The compiled registry (`RegistryCache`): an image is taken only for exactly
/// the files it was made from, gives back the registry parsing gives, and is
/// never taken when damaged or others could have written it.
@Suite("Registry cache", .onTestThreads)
struct RegistryCacheTests {
    /// A registry with every kind of file and state: aliases with a suggestion,
    /// a table with a sensor and an unflagged 对照点, a dated list with districts,
    /// dated memberships, an orphan membership (a warning) and a name in NFD.
    static func writeRegistry(to directory: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory + "/national", withIntermediateDirectories: true)
        try """
        alias,city,use
        测试市市,测试市,
        Ceshi,测试市,suggest
        """.write(toFile: directory + "/aliases.csv", atomically: true, encoding: .utf8)
        try """
        code,name,city,district,longitude,latitude,control,sensor
        9001A,一号站,测试市市,东区,113.1,34.2,0,
        9002A,西郊对照点,测试市,,113.0,34.1,0,
        9100S,微站一,测试市,东区,,,0,1
        9200A,Cafe\u{0301}站,另一市,北区,-,-,N,0
        9004A,北郊对照点,另一市,,,,0,
        """.write(toFile: directory + "/tables.csv", atomically: true, encoding: .utf8)
        try """
        code,layer,unit,from,to
        9001A,town,甲镇,,2024-12-31
        9001A,town,乙镇,2025-01-01,
        9100S,town,甲镇,,
        7777A,town,甲镇,,
        """.write(toFile: directory + "/towns.csv", atomically: true, encoding: .utf8)
        try """
        code,name,city,district,longitude,latitude,control
        9001A,一号站(国),测试市,东区,113.1,34.2,0
        9002A,西郊对照点,测试市,,113.0,34.1,1
        9003A,三号站,测试市,南区,113.3,34.3,0
        """.write(toFile: directory + "/national/2020-01-01.csv", atomically: true, encoding: .utf8)
        try """
        code,name,city,district,longitude,latitude,control
        9001A,一号站,测试市,东区,113.1,34.2,0
        9003A,三号站,测试市,南区,113.3,34.3,0
        """.write(toFile: directory + "/national/2024-06-01.csv", atomically: true, encoding: .utf8)
    }

    /// Everything a registry holds, as lines of exact bytes (a String compares
    /// canonically equivalent spellings equal; the image must keep the bytes).
    static func dump(_ r: StationRegistry) -> [[UInt8]] {
        func station(_ s: Station) -> String {
            "\(s.code)|\(s.name)|\(s.city)|\(s.district)|\(s.longitude.map { "\($0)" } ?? "-")|\(s.latitude.map { "\($0)" } ?? "-")|\(s.isControl)|\(s.isSensor)"
        }
        var lines: [String] = r.stations.map { "station " + station($0) }
        lines += r.indexByCode.map { "index \($0.key) \($0.value)" }
        lines += r.byCity.map { "city \($0.key) \($0.value)" }
        lines += r.byDistrict.map { "district \($0.key.city)/\($0.key.district) \($0.value)" }
        for list in r.lists {
            lines.append("list \(list.effective) \(list.file) \(list.codes)")
            lines += list.stations.map { "listed \(list.effective) \($0.key) " + station($0.value) }
        }
        lines += r.listed.map { "in a list \($0)" }
        lines += r.tables.map { "table \($0.key) " + station($0.value) }
        lines += r.tableSources.map { "source \($0.key) \($0.value.row) \($0.value.sensorCell?.description ?? "-")" }
        lines += r.namedControl.map { "named control \($0)" }
        for (code, byLayer) in r.memberships {
            for (layer, memberships) in byLayer {
                lines.append("member \(code) \(layer) " + memberships.map { "\($0.code)/\($0.layer)/\($0.unit)/\($0.span)/\($0.file)/\($0.line)" }.joined(separator: ";"))
            }
        }
        lines += r.aliases.names.map { "alias \($0.key) \($0.value)" }
        lines += r.aliases.suggestions.map { "suggest \($0.key) \($0.value)" }
        lines += r.warnings.map { "warning \($0)" }
        lines += r.codesByCity.map { "codes \($0.key) \($0.value)" }
        return lines.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
    }

    static func load(_ directory: String, cache: RegistryCache) throws -> (StationRegistry, RegistryCache.Use?) {
        var use: RegistryCache.Use?
        let registry = try StationRegistry.load(directory: directory, cache: cache, use: &use)
        return (registry, use)
    }

    /// A made registry in a new directory whose image is already written to a new cache.
    static func registryWithImage(_ label: String) throws -> (directory: String, cache: RegistryCache) {
        let directory = TestPaths.temporaryDirectory(label)
        try writeRegistry(to: directory)
        let cache = RegistryCache(directory: TestPaths.temporaryDirectory("registry-cache"))
        _ = try load(directory, cache: cache)
        return (directory, cache)
    }

    @Test("an image gives back exactly the registry parsing gives (the shipped registry and one of every kind of row)")
    func imageEqualsParsing() throws {
        let made = TestPaths.temporaryDirectory("registry-made")
        try Self.writeRegistry(to: made)
        for directory in [TestPaths.stations, made] {
            let cache = RegistryCache(directory: TestPaths.temporaryDirectory("registry-cache"))
            let parsed = try StationRegistry.load(directory: directory)
            let (first, firstUse) = try Self.load(directory, cache: cache)
            let (second, secondUse) = try Self.load(directory, cache: cache)
            #expect(firstUse == .written)
            #expect(secondUse == .taken)
            #expect(Self.dump(first) == Self.dump(parsed))
            #expect(Self.dump(second) == Self.dump(parsed))
            // The public view agrees too, day by day, on a day of each list.
            for day in [Day(CivilDate(year: 2019, month: 6, day: 1)!), Day(CivilDate(year: 2025, month: 3, day: 1)!)] {
                for code in parsed.stations.map(\.code) {
                    #expect(second.station(code, on: day) == parsed.station(code, on: day))
                    #expect(second.unit(of: code, layer: "town", on: day) == parsed.unit(of: code, layer: "town", on: day))
                }
            }
            #expect(second.cities == parsed.cities)
            #expect(second.city(named: "测试市市") == parsed.city(named: "测试市市"))
            #expect(second.citySuggestions(for: "ceshi") == parsed.citySuggestions(for: "ceshi"))
        }
        // The made registry's own points: a warning, a sensor, an NFD name kept as written.
        let (registry, _) = try Self.load(made, cache: RegistryCache(directory: TestPaths.temporaryDirectory("registry-cache")))
        #expect(registry.warnings.count == 2, "\(registry.warnings)")
        #expect(registry["9100S"]?.isSensor == true)
        #expect(registry["9200A"].map { Array($0.name.utf8) } == Array("Cafe\u{0301}站".utf8))
        #expect(registry.city(named: "测试市市") == "测试市")
    }

    @Test("any change to the files is seen: a same-size edit, a file added or removed, the directory named otherwise")
    func changesAreSeen() throws {
        let (directory, cache) = try Self.registryWithImage("registry-edit")
        // 三号站 → 四号站 in the newest list: the same number of bytes, the same size, another name.
        let list = directory + "/national/2024-06-01.csv"
        let edited = try String(contentsOfFile: list, encoding: .utf8).replacingOccurrences(of: "三号站", with: "四号站")
        try edited.write(toFile: list, atomically: false, encoding: .utf8)
        var (registry, use) = try Self.load(directory, cache: cache)
        #expect(use == .written)
        #expect(registry["9003A"]?.name == "四号站")
        #expect(try Self.load(directory, cache: cache).1 == .taken)
        try "code,layer,unit,from,to\n9003A,zone,开发区,,\n".write(toFile: directory + "/zones.csv", atomically: true, encoding: .utf8)
        (registry, use) = try Self.load(directory, cache: cache)
        #expect(use == .written)
        #expect(registry.unit(of: "9003A", layer: "zone", on: Day(0)) == "开发区")
        try FileManager.default.removeItem(atPath: directory + "/zones.csv")
        (registry, use) = try Self.load(directory, cache: cache)
        #expect(use == .written)
        #expect(registry.unit(of: "9003A", layer: "zone", on: Day(0)) == nil)
        // The same files under another name of the directory: its own image (paths are in the messages).
        let (other, otherUse) = try Self.load(directory + "/.", cache: cache)
        #expect(otherUse == .written)
        #expect(other.warnings.allSatisfy { $0.source.hasPrefix(directory + "/.") })
    }

    @Test("a registry that fails to load writes no image, and an older image of it is not taken")
    func failureIsNotCached() throws {
        let (directory, cache) = try Self.registryWithImage("registry-bad")
        try "code,layer,unit,from,to\n9001A,town,丙镇,2024-01-01,\n".write(toFile: directory + "/more.csv", atomically: true, encoding: .utf8)
        let expected = #expect(throws: RegistryError.self) { try StationRegistry.load(directory: directory) }
        let cached = #expect(throws: RegistryError.self) { try Self.load(directory, cache: cache) }
        #expect(expected != nil && cached == expected)
    }

    @Test("a damaged image is never taken: a flipped byte, a cut, a valid checksum over another build's or other files' image")
    func damageIsSeen() throws {
        let (directory, cache) = try Self.registryWithImage("registry-damage")
        let parsed = Self.dump(try StationRegistry.load(directory: directory))
        let path = cache.imagePath(for: directory)
        let good = try #require(FileManager.default.contents(atPath: path).map { [UInt8]($0) })
        for damage in [{ (b: inout [UInt8]) in b[b.count / 2] ^= 0x10 }, { b in b.removeLast(7) }, { b in b[3] ^= 1 }] {
            var bytes = good
            damage(&bytes)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let (registry, use) = try Self.load(directory, cache: cache)
            #expect(use == .written)
            #expect(Self.dump(registry) == parsed)
        }
        // Every byte of the body altered with its checksum made right again: the
        // reader refuses or reads, and never traps.
        let image = try #require(FileManager.default.contents(atPath: path).map { [UInt8]($0) })
        let fingerprint = try Self.fingerprint(of: directory)
        let body = try #require(RegistryImage.bodyOffset(of: image, expecting: fingerprint))
        #expect(RegistryImage.decode(image, expecting: fingerprint) != nil)
        var other = fingerprint
        other.loader += " (another build)"
        #expect(RegistryImage.decode(image, expecting: other) == nil)
        for position in stride(from: body, to: image.count, by: max(1, (image.count - body) / 400)) {
            var bytes = image
            bytes[position] ^= 0xFF
            let crc = CRC32.checksum(Array(bytes[body...]))
            withUnsafeBytes(of: crc.littleEndian) { for k in 0 ..< 4 { bytes[body - 4 + k] = $0[k] } }
            _ = RegistryImage.decode(bytes, expecting: fingerprint)
        }
        // Any byte of the recorded files, names, loader or lengths altered: never taken.
        for position in stride(from: 0, to: body - 4, by: max(1, (body - 4) / 300)) {
            var bytes = image
            bytes[position] ^= 0x01
            #expect(RegistryImage.decode(bytes, expecting: fingerprint) == nil, "byte \(position)")
        }
    }

    /// The fingerprint loading `writeRegistry`'s directory makes: its files in the order read.
    static func fingerprint(of directory: String) throws -> RegistryFingerprint {
        let names = ["aliases.csv", "tables.csv", "towns.csv", "national/2020-01-01.csv", "national/2024-06-01.csv"]
        let files = try names.map { name in
            RegistryFingerprint.File(name: name, bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))))
        }
        return RegistryFingerprint(directory: directory, loader: try #require(LoaderIdentity.current), files: files)
    }

    @Test("an edit keeping the file's length, CRC-32 and Adler-32 (crafted, as in review) is seen")
    func forgedDigestIsSeen() async throws {
        let (directory, cache) = try Self.registryWithImage("registry-forged")
        // A comment line gives the crafting room; the image is remade with it.
        let list = directory + "/national/2024-06-01.csv"
        let original = try String(contentsOfFile: list, encoding: .utf8)
            + "\n# " + String(repeating: "the stations of the list as published by the ministry, ", count: 12) + "\n"
        try original.write(toFile: list, atomically: false, encoding: .utf8)
        #expect(try Self.load(directory, cache: cache).1 == .written)
        let forged = TestPaths.temporaryDirectory("registry-forged-file") + "/list.csv"
        let crafted = try await Processes.run("/usr/bin/env", ["python3", TestPaths.scripts + "/digest_collision.py", list, "三号站", "四号站", forged])
        #expect(crafted.status == 0, "\(crafted.stderr)")
        let before = [UInt8](try Data(contentsOf: URL(fileURLWithPath: list)))
        let after = [UInt8](try Data(contentsOf: URL(fileURLWithPath: forged)))
        #expect(after.count == before.count && after != before)
        #expect(CRC32.checksum(after) == CRC32.checksum(before), "the crafted file keeps the CRC-32")
        try Data(after).write(to: URL(fileURLWithPath: list))
        let (registry, use) = try Self.load(directory, cache: cache)
        #expect(use == .written)
        #expect(registry["9003A"]?.name == "四号站")
    }

    @Test("the running program's build-id (from memory) is the one readelf shows; notes made by hand are read, cut anywhere give none")
    func loaderIdentity() async throws {
        // The test binary itself, against binutils' reading of its file.
        let shown = try await Processes.run("/usr/bin/env", ["readelf", "-n", "/proc/\(getpid())/exe"])
        let line = try #require(shown.stdout.split(separator: "\n").first { $0.contains("Build ID:") }, "\(shown.stderr)")
        let expected = line.split(separator: " ").last.map(String.init)
        #expect(LoaderIdentity.runningBuildID().map(SHA256.hex) == expected)
        #expect(LoaderIdentity.current?.contains("build-id \(expected ?? "?")") == true)

        // An ABI note then the build-id note, as a linker lays them out.
        func le(_ value: Int, _ width: Int) -> [UInt8] { (0 ..< width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        let id: [UInt8] = [0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02]
        let notes = le(4, 4) + le(16, 4) + le(1, 4) + Array("GNU\0".utf8) + [UInt8](repeating: 0, count: 16)
            + le(4, 4) + le(id.count, 4) + le(3, 4) + Array("GNU\0".utf8) + id + [0, 0]
        func read(_ bytes: [UInt8]) -> [UInt8]? { bytes.withUnsafeBytes { LoaderIdentity.gnuBuildID(in: $0, alignment: 4) } }
        #expect(read(notes) == id)
        for cut in 0 ..< notes.count - 2 { #expect(read(Array(notes.prefix(cut))) == nil, "cut at \(cut)") }
        // Sizes made huge: nothing, and no trap.
        for at in [0, 4, 32, 36] {
            var damaged = notes
            damaged.replaceSubrange(at ..< at + 4, with: [0xFF, 0xFF, 0xFF, 0xFF])
            _ = read(damaged)
        }
        #expect(read(Array(notes.prefix(32))) == nil, "the ABI note alone")
    }

    @Test("the cache directory is used only when trusted: not through a symlink, not in another user's or a shared directory; missing parents made only where trusted")
    func directoryIsTrusted() throws {
        let (directory, _) = try Self.registryWithImage("registry-trust")
        let parsed = Self.dump(try StationRegistry.load(directory: directory))
        let fm = FileManager.default
        let root = TestPaths.temporaryDirectory("cache-trust")

        // A symlink where the cache directory would be: never followed, its target untouched.
        let target = root + "/elsewhere"
        try fm.createDirectory(atPath: target, withIntermediateDirectories: false)
        try fm.createSymbolicLink(atPath: root + "/linked", withDestinationPath: target)
        var (registry, use) = try Self.load(directory, cache: RegistryCache(directory: root + "/linked"))
        #expect(Self.dump(registry) == parsed)
        guard case .notWritten = use else { Issue.record("used a symlinked cache directory: \(String(describing: use))"); return }
        #expect(try fm.contentsOfDirectory(atPath: target).isEmpty)

        // In a directory others may change (mode 777, not sticky): not used, nothing made.
        let shared = root + "/shared"
        try fm.createDirectory(atPath: shared, withIntermediateDirectories: false)
        #expect(chmod(shared, 0o777) == 0)
        (registry, use) = try Self.load(directory, cache: RegistryCache(directory: shared + "/haze"))
        #expect(Self.dump(registry) == parsed)
        guard case .notWritten = use else { Issue.record("used a cache in a shared directory: \(String(describing: use))"); return }
        #expect(!fm.fileExists(atPath: shared + "/haze"))
        // The same with the sticky bit (as /tmp): the user's own directory in it is used.
        #expect(chmod(shared, 0o1777) == 0)
        #expect(try Self.load(directory, cache: RegistryCache(directory: shared + "/haze")).1 == .written)

        // A missing parent is made (mode 700) only for ~/.cache, and only in an existing home.
        (_, use) = try Self.load(directory, cache: RegistryCache(directory: root + "/home/.cache/haze", makesParent: true))
        guard case .notWritten = use else { Issue.record("made a cache below a missing home: \(String(describing: use))"); return }
        #expect(!fm.fileExists(atPath: root + "/home"))
        try fm.createDirectory(atPath: root + "/home", withIntermediateDirectories: false)
        (_, use) = try Self.load(directory, cache: RegistryCache(directory: root + "/home/.cache/haze"))
        guard case .notWritten = use else { Issue.record("made a missing parent of a named cache: \(String(describing: use))"); return }
        #expect(!fm.fileExists(atPath: root + "/home/.cache"))
        #expect(try Self.load(directory, cache: RegistryCache(directory: root + "/home/.cache/haze", makesParent: true)).1 == .written)
        var info = stat()
        #expect(stat(root + "/home/.cache", &info) == 0 && info.st_mode & 0o777 == 0o700)
        #expect(RegistryCache.location(environment: ["HOME": "/h"])?.makesParent == true)
        #expect(RegistryCache.location(environment: ["HAZE_CACHE": "/h/c"])?.makesParent == false)

        // A directory that is not haze's (files of its own, no CACHEDIR.TAG — `HAZE_CACHE=/etc`
        // by mistake) is neither written nor pruned; an empty one, or one of images only, is adopted.
        let foreign = root + "/foreign"
        try fm.createDirectory(atPath: foreign, withIntermediateDirectories: false)
        try "keep".write(toFile: foreign + "/passwd", atomically: true, encoding: .utf8)
        try "an old image".write(toFile: foreign + "/registry-0123456789abcdef.bin", atomically: true, encoding: .utf8)
        (registry, use) = try Self.load(directory, cache: RegistryCache(directory: foreign))
        #expect(Self.dump(registry) == parsed)
        guard case .notWritten = use else { Issue.record("used a directory not haze's: \(String(describing: use))"); return }
        #expect(try fm.contentsOfDirectory(atPath: foreign).sorted() == ["passwd", "registry-0123456789abcdef.bin"])
        try fm.removeItem(atPath: foreign + "/passwd")
        #expect(try Self.load(directory, cache: RegistryCache(directory: foreign)).1 == .written, "images only: adopted")
        let tag = try String(contentsOfFile: foreign + "/CACHEDIR.TAG", encoding: .utf8)
        #expect(tag.hasPrefix("Signature: 8a477f597d28d172789f06886806bc55"))
        #expect(try Self.load(directory, cache: RegistryCache(directory: foreign)).1 == .taken)

        // A cache inside the registry directory (`stations/cache.csv`) is not used, and nothing is made there.
        var inside: RegistryCache.Use?
        _ = try StationRegistry.load(directory: directory, cache: RegistryCache(directory: directory + "/cache.csv"), use: &inside)
        #expect(inside == nil && !fm.fileExists(atPath: directory + "/cache.csv"))

        // Another user's home (root running with their HOME): nothing made or written in it, nor
        // through a symlink of theirs one level up (~/.cache → a directory of root's).
        if geteuid() == 0 {
            let other = root + "/alice"
            try fm.createDirectory(atPath: other, withIntermediateDirectories: false)
            #expect(chown(other, 4242, 4242) == 0)
            (registry, use) = try Self.load(directory, cache: RegistryCache(directory: other + "/.cache/haze"))
            #expect(Self.dump(registry) == parsed)
            guard case .notWritten = use else { Issue.record("wrote into another user's home: \(String(describing: use))"); return }
            #expect(try fm.contentsOfDirectory(atPath: other).isEmpty)
            let rootOwned = root + "/roots"
            try fm.createDirectory(atPath: rootOwned, withIntermediateDirectories: false)
            let planted = root + "/planted"
            try fm.createSymbolicLink(atPath: planted, withDestinationPath: rootOwned)
            #expect(lchown(planted, 4242, 4242) == 0)
            (registry, use) = try Self.load(directory, cache: RegistryCache(directory: planted + "/haze"))
            #expect(Self.dump(registry) == parsed)
            guard case .notWritten = use else { Issue.record("followed another user's symlink: \(String(describing: use))"); return }
            #expect(try fm.contentsOfDirectory(atPath: rootOwned).isEmpty)
            #expect(lchown(planted, 0, 0) == 0)
            #expect(try Self.load(directory, cache: RegistryCache(directory: planted + "/haze")).1 == .written, "the user's own symlink is followed")
        }
    }

    @Test("a command's image is written after it answers; an image too large to read is not written; each build keeps its own image")
    func writingAfterwards() throws {
        let directory = TestPaths.temporaryDirectory("registry-later")
        try Self.writeRegistry(to: directory)
        let cache = RegistryCache(directory: TestPaths.temporaryDirectory("registry-cache"))
        var use: RegistryCache.Use?
        _ = try StationRegistry.load(directory: directory, cache: cache, imageLater: true, use: &use)
        #expect(use == .deferred)
        RegistryCache.writeDeferredImages()
        #expect(try Self.load(directory, cache: cache).1 == .taken)

        var small = RegistryCache(directory: TestPaths.temporaryDirectory("registry-cache"))
        small.imageLimit = 1000
        guard case .notWritten = try Self.load(directory, cache: small).1 else { Issue.record("wrote an image it would never read"); return }
        #expect(try FileManager.default.contentsOfDirectory(atPath: small.directory).filter(RegistryCache.isImageName).isEmpty)

        #expect(RegistryCache.imageName(for: directory, loader: "haze 1") != RegistryCache.imageName(for: directory, loader: "haze 2"))
        #expect(RegistryCache.isImageName(RegistryCache.imageName(for: directory, loader: "haze 1")))
        // Builds in turn (a reinstalled or touched binary is a new build): two images of one directory at most.
        let registry = try StationRegistry.load(directory: directory)
        let builds = RegistryCache(directory: TestPaths.temporaryDirectory("registry-cache"))
        var fingerprint = try Self.fingerprint(of: directory)
        for build in ["a", "b", "c", "d"] {
            fingerprint.loader = "haze build " + build
            #expect(builds.store(registry, fingerprint: fingerprint) == .written)
            usleep(12_000)
        }
        let kept = try FileManager.default.contentsOfDirectory(atPath: builds.directory).filter(RegistryCache.isImageName)
        #expect(Set(kept) == [RegistryCache.imageName(for: directory, loader: "haze build c"),
                              RegistryCache.imageName(for: directory, loader: "haze build d")])
        // The identity names the file the program was mapped from.
        var exe = stat()
        #expect(stat("/proc/self/exe", &exe) == 0)
        #expect(LoaderIdentity.current?.contains("file \(exe.st_dev):\(exe.st_ino):\(exe.st_size):") == true)
    }

    @Test("warnings and suggestions come in the same order every run (with or without the cache)")
    func stableOrder() throws {
        let directory = TestPaths.temporaryDirectory("registry-order")
        try Self.writeRegistry(to: directory)
        try "code,layer,unit,from,to\n7777A,zone,开发区,,\n7777A,street,一街道,,\n7777A,area,东片,,\n".write(toFile: directory + "/orphans.csv", atomically: true, encoding: .utf8)
        try "alias,city,use\nSuzhou,测试市,suggest\nsuzhou,另一市,suggest\nSUZHOU,测试市,suggest\n".write(toFile: directory + "/more-aliases.csv", atomically: true, encoding: .utf8)
        var seen: Set<[String]> = []
        for _ in 0 ..< 6 {
            let registry = try StationRegistry.load(directory: directory)
            seen.insert(registry.warnings.map(\.description) + ["|"] + registry.citySuggestions(for: "Suzhou"))
        }
        #expect(seen.count == 1, "\(seen)")
        let registry = try StationRegistry.load(directory: directory)
        let suggested = registry.citySuggestions(for: "suzhou")
        #expect(suggested == ["另一市", "测试市"] || suggested == ["测试市", "另一市"])
        #expect(Set(suggested).count == suggested.count, "each city once")
        let layers = registry.warnings.map(\.description).filter { $0.contains("7777A") }.compactMap { line in
            ["area", "street", "town", "zone"].first { line.contains(" in \($0) ") }
        }
        #expect(layers == layers.sorted() && layers.count == 4, "\(layers)")
    }

    @Test("special files and files others may write are left alone: a symlink, a FIFO, a world-writable image or directory")
    func specialFilesAreLeftAlone() throws {
        let directory = TestPaths.temporaryDirectory("registry-special")
        try Self.writeRegistry(to: directory)
        let parsed = Self.dump(try StationRegistry.load(directory: directory))
        let fm = FileManager.default

        let linked = RegistryCache(directory: TestPaths.temporaryDirectory("registry-cache"))
        let target = TestPaths.temporaryDirectory("registry-target") + "/elsewhere.bin"
        try "keep me".write(toFile: target, atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: linked.imagePath(for: directory), withDestinationPath: target)
        var (registry, use) = try Self.load(directory, cache: linked)
        #expect(Self.dump(registry) == parsed)
        guard case .notWritten = use else { Issue.record("a symlink was replaced: \(String(describing: use))"); return }
        #expect(try fm.destinationOfSymbolicLink(atPath: linked.imagePath(for: directory)) == target)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me")

        let piped = RegistryCache(directory: TestPaths.temporaryDirectory("registry-cache"))
        #expect(mkfifo(piped.imagePath(for: directory), 0o600) == 0)
        (registry, use) = try Self.load(directory, cache: piped)   // must not wait on the FIFO
        #expect(Self.dump(registry) == parsed)
        var info = stat()
        #expect(lstat(piped.imagePath(for: directory), &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)

        let open = RegistryCache(directory: TestPaths.temporaryDirectory("registry-cache"))
        _ = try Self.load(directory, cache: open)
        #expect(chmod(open.imagePath(for: directory), 0o666) == 0)
        (registry, use) = try Self.load(directory, cache: open)
        #expect(use == .written, "an image others may write is not taken")
        #expect(Self.dump(registry) == parsed)
        #expect(chmod(open.directory, 0o777) == 0)
        try fm.removeItem(atPath: open.imagePath(for: directory))
        (registry, use) = try Self.load(directory, cache: open)
        guard case .notWritten = use else { Issue.record("wrote into a directory others may write: \(String(describing: use))"); return }
        #expect(Self.dump(registry) == parsed)
    }

    @Test("the cache keeps the 16 images used or written last, removes a killed writer's leftover, and touches nothing else")
    func oldImagesArePruned() throws {
        let cache = RegistryCache(directory: TestPaths.temporaryDirectory("registry-cache"))
        let directory = TestPaths.temporaryDirectory("registry-many")
        try Self.writeRegistry(to: directory)
        _ = try StationRegistry.load(directory: directory, cache: cache)   // the directory becomes haze's
        try "a note".write(toFile: cache.directory + "/notes.txt", atomically: true, encoding: .utf8)
        try "not an image".write(toFile: cache.directory + "/registry-0123456789abcdef.bin.old", atomically: true, encoding: .utf8)
        // A killed writer's leftover (two hours old) goes; a running writer's (now) stays.
        let stale = cache.directory + "/registry-0123456789abcdef.bin.tmp-1-2", fresh = cache.directory + "/registry-0123456789abcdef.bin.tmp-3-4"
        try "half an image".write(toFile: stale, atomically: false, encoding: .utf8)
        try "half an image".write(toFile: fresh, atomically: false, encoding: .utf8)
        var old = [timeval(tv_sec: time(nil) - 7200, tv_usec: 0), timeval(tv_sec: time(nil) - 7200, tv_usec: 0)]
        #expect(utimes(stale, &old) == 0)
        var paths: [String] = []
        for k in 0 ..< RegistryCache.keptImages + 3 {
            // The same files under another name: an image of its own.
            let name = directory + String(repeating: "/.", count: k + 1)
            var use: RegistryCache.Use?
            _ = try StationRegistry.load(directory: name, cache: cache, use: &use)
            #expect(use == .written)
            paths.append(cache.imagePath(for: name))
            usleep(12_000)   // beyond a coarse file-system clock's tick, so the order of writing is the order of times
        }
        let fm = FileManager.default
        let left = try fm.contentsOfDirectory(atPath: cache.directory)
        #expect(left.filter(RegistryCache.isImageName).count == RegistryCache.keptImages)
        #expect(paths.suffix(RegistryCache.keptImages).allSatisfy { fm.fileExists(atPath: $0) }, "the newest are kept")
        #expect(left.contains("notes.txt") && left.contains("registry-0123456789abcdef.bin.old"))
        #expect(!fm.fileExists(atPath: stale) && fm.fileExists(atPath: fresh))
        // An image taken is kept as if just written: the oldest, used, outlives the next one.
        let oldest = directory + String(repeating: "/.", count: 4)
        #expect(fm.fileExists(atPath: paths[3]))
        var use: RegistryCache.Use?
        _ = try StationRegistry.load(directory: oldest, cache: cache, use: &use)
        #expect(use == .taken)
        usleep(12_000)
        _ = try StationRegistry.load(directory: directory + String(repeating: "/.", count: RegistryCache.keptImages + 4), cache: cache, use: &use)
        #expect(use == .written)
        #expect(fm.fileExists(atPath: paths[3]) && !fm.fileExists(atPath: paths[4]), "the used one kept, the next oldest pruned")
    }

    @Test("the cache a command uses: $HAZE_CACHE (off, 0, false, no, none: none), else XDG's or the home's; rank's output is the same with and without")
    func commandCache() throws {
        for none in ["off", "OFF", "0", "false", "No", "none", "", "c", "~/.cache/haze", "disabled", "stations/cache.csv"] {
            #expect(RegistryCache.location(environment: ["HAZE_CACHE": none, "HOME": "/home/x"]) == nil, "\(none)")
        }
        #expect(RegistryCache.location(environment: ["HAZE_CACHE": "/c"])?.directory == "/c")
        #expect(RegistryCache.location(environment: ["XDG_CACHE_HOME": "/x", "HOME": "/home/x"])?.directory == "/x/haze")
        #expect(RegistryCache.location(environment: ["XDG_CACHE_HOME": "x", "HOME": "/home/x"])?.directory == "/home/x/.cache/haze")
        #expect(RegistryCache.location(environment: ["HAZE_CACHE": "off", "XDG_CACHE_HOME": "/x"]) == nil)
        #expect(RegistryCache.location(environment: ["HOME": "relative"]) == nil)
        #expect(RegistryCache.location(environment: [:]) == nil)

        let cache = TestPaths.temporaryDirectory("registry-cache") + "/haze"
        let store = TestPaths.temporaryDirectory("registry-cache-store") + "/store"
        let ingest = InProcess(["ingest", "--store", store, TestPaths.fixtures + "/cnemc/china_sites_20190101.csv.gz"])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let rank = ["rank", "--store", store, "--month", "2019-01", "--level", "district", "--city", "北京", "--format", "csv"]
        let without = InProcess(rank, environment: ["HAZE_CACHE": "off"])
        let writing = InProcess(rank, environment: ["HAZE_CACHE": cache])
        let taking = InProcess(rank, environment: ["HAZE_CACHE": cache])
        #expect(without.status == writing.status && writing.status == taking.status)
        #expect(Array(without.stdout.utf8) == Array(writing.stdout.utf8) && Array(writing.stdout.utf8) == Array(taking.stdout.utf8))
        #expect(without.stderr == taking.stderr)
        // The registry's image, and the ranking's units (taken by the third run: `RankingUnitsCacheTests`).
        let images = try FileManager.default.contentsOfDirectory(atPath: cache).sorted()
        #expect(images == ["CACHEDIR.TAG"] + images.filter(RegistryCache.isDerivationName) + images.filter(RegistryCache.isImageName)
                && images.count == 3, "\(images)")
        var info = stat()
        #expect(stat(cache, &info) == 0 && info.st_mode & 0o777 == 0o700)
    }
}
