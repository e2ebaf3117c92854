import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeStore
@testable import HazeAssessment
@testable import HazeCLI

/// The ranking units kept in the registry cache (`RankingUnitsImage`,
/// `RegistryDerivation`): taken only for exactly the files, build, level,
/// city and month they were formed for, and then the units forming gives;
/// and the row check's faster loop (`RowHash` terms) giving the same sums.
@Suite("Ranking units cache", .onTestThreads)
struct RankingUnitsCacheTests {
    /// Everything a `RankingUnits` holds, as lines of exact bytes.
    static func dump(_ formed: RankingUnits) -> [[UInt8]] {
        func station(_ s: Station) -> String {
            "\(s.code)|\(s.name)|\(s.city)|\(s.district)|\(s.longitude.map { "\($0)" } ?? "-")|\(s.latitude.map { "\($0)" } ?? "-")|\(s.isControl)|\(s.isSensor)"
        }
        func unit(_ u: RankingUnit) -> [String] {
            ["unit \(u.name)|\(u.city)|\(u.level) stations " + u.stations.map(station).joined(separator: ";")]
                + u.periods.map { "period \($0.days.lowerBound.index)..<\($0.days.upperBound.index) " + $0.stations.map(station).joined(separator: ";") }
        }
        func days(_ entry: UnitCoverage.StationDays) -> String {
            station(entry.station) + " unit \(entry.unit ?? "-") days " + entry.days.map { "\($0.lowerBound.index)..<\($0.upperBound.index)" }.joined(separator: ",")
        }
        var lines = formed.units.flatMap(unit) + ["|"] + formed.controlPoints.flatMap(unit) + ["|"]
        let coverage = formed.coverage
        lines.append("level \(coverage.level) sensors \(coverage.sensors)")
        lines += coverage.unitsWithoutStation.map { "without station \($0.city)/\($0.unit)" }
        lines += coverage.stationsWithoutUnit.map { "without unit " + days($0) }
        lines += coverage.notInListInForce.map { "not in list " + days($0) }
        lines += coverage.controlPoints.map { "control " + station($0) }
        return lines.map { Array($0.utf8) }
    }

    @Test("the units kept are the units formed: every level, with and without a city, months with and without a year before, the shipped registry and one of every kind of row")
    func unitsRoundTrip() throws {
        let made = TestPaths.temporaryDirectory("units-made")
        try RegistryCacheTests.writeRegistry(to: made)
        let cases: [(String, [(RankingLevel, String?)])] = [
            (TestPaths.stations, [(.city, nil), (.city, "北京"), (.district, "北京"), (.station, "北京"), (.district, "周口")]),
            (made, [(.city, nil), (.district, "测试市"), (.town, "测试市"), (.town, nil), (.station, "测试市"), (.station, "另一市")]),
        ]
        var compared = 0
        for (directory, scopes) in cases {
            let registry = try StationRegistry.load(directory: directory)
            let warnings = registry.warnings.map(\.description)
            for (level, city) in scopes {
                for month in [Month(year: 2019, month: 1), Month(year: 2024, month: 12), Month(year: 2025, month: 1)].compactMap({ $0 }) {
                    for earlier in [month.yearEarlier?.days, nil] {
                        guard let formed = try? registry.rankingUnits(level: level, city: city, days: month.days, alsoFor: earlier) else { continue }
                        let kept = try #require(RankingUnitsImage.decode(RankingUnitsImage.encode(formed, warnings: warnings)))
                        #expect(Self.dump(kept.units) == Self.dump(formed), "\(directory) \(level) \(city ?? "-") \(month)")
                        #expect(kept.warnings == warnings)
                        compared += 1
                    }
                }
            }
        }
        #expect(compared >= 50, "\(compared)")
        // The key tells every parameter apart.
        let january = try #require(Month(year: 2019, month: 1))
        let keys = [
            RankingUnitsImage.key(level: .district, city: "北京", days: january.days, alsoFor: january.yearEarlier?.days),
            RankingUnitsImage.key(level: .district, city: "北京", days: january.days, alsoFor: nil),
            RankingUnitsImage.key(level: .district, city: "北京市", days: january.days, alsoFor: january.yearEarlier?.days),
            RankingUnitsImage.key(level: .district, city: nil, days: january.days, alsoFor: january.yearEarlier?.days),
            RankingUnitsImage.key(level: .town, city: "北京", days: january.days, alsoFor: january.yearEarlier?.days),
            RankingUnitsImage.key(level: .district, city: "北京", days: january.days.dropLast(), alsoFor: january.yearEarlier?.days),
        ]
        #expect(Set(keys).count == keys.count)
    }

    @Test("bytes that are not units (short, cut, any byte changed) are refused, never a trap")
    func damagedUnitsAreRefused() throws {
        let registry = try StationRegistry.load(directory: TestPaths.stations)
        let january = try #require(Month(year: 2019, month: 1))
        let formed = try registry.rankingUnits(level: .district, city: "北京", days: january.days, alsoFor: january.yearEarlier?.days)
        let bytes = RankingUnitsImage.encode(formed, warnings: ["a warning"])
        #expect(RankingUnitsImage.decode([]) == nil)
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 200)) {
            #expect(RankingUnitsImage.decode(Array(bytes.prefix(cut))) == nil, "cut at \(cut)")
        }
        #expect(RankingUnitsImage.decode(bytes + [0]) == nil)
        // A changed byte may still read as units (a name's byte); it must never trap.
        for position in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 300)) {
            var changed = bytes
            changed[position] ^= 0xFF
            _ = RankingUnitsImage.decode(changed)
        }
    }

    /// A store of the sample's first day of 2019, of a test's own.
    static func oneDayStore(_ label: String) -> String {
        let store = TestPaths.temporaryDirectory(label) + "/store"
        let ingest = InProcess(["ingest", "--quiet", "--store", store, "--stations", TestPaths.stations,
                                TestPaths.fixtures + "/cnemc/china_sites_20190101.csv.gz"])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        return store
    }

    /// A copy of the shipped registry that a test may edit.
    static func registryCopy(_ label: String) throws -> String {
        let copy = TestPaths.temporaryDirectory(label) + "/stations"
        try FileManager.default.copyItem(atPath: TestPaths.stations, toPath: copy)
        return copy
    }

    @Test("a ranking takes the units kept for exactly the same files, level, city and month: the same report as without the cache; an edit of a file, another level or month forms them again")
    func rankingTakesKeptUnits() throws {
        let store = SharedStore.national.directory
        let stations = try Self.registryCopy("units-rank-registry")
        let cache = TestPaths.temporaryDirectory("units-rank-cache") + "/haze"
        func rank(_ extra: [String], cache: String) -> InProcess {
            InProcess(["rank", "--store", store, "--stations", stations, "--month", "2019-01", "--format", "csv"] + extra,
                      environment: ["HAZE_CACHE": cache])
        }
        func derivations() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? []).filter(RegistryCache.isDerivationName).sorted()
        }
        let scopes: [[String]] = [["--level", "district", "--city", "北京"], ["--level", "city"], ["--level", "station", "--city", "北京"]]
        for scope in scopes {
            let without = rank(scope, cache: "off")
            let writing = rank(scope, cache: cache)
            let kept = derivations()
            let taking = rank(scope, cache: cache)
            #expect(without.status == 0, "\(without.stderr)")
            #expect(Array(without.stdout.utf8) == Array(writing.stdout.utf8) && Array(writing.stdout.utf8) == Array(taking.stdout.utf8), "\(scope)")
            #expect(without.stderr == writing.stderr && writing.stderr == taking.stderr, "\(scope)")
            #expect(derivations() == kept, "taken, not written again: \(scope)")
        }
        #expect(derivations().count == scopes.count, "one entry per level and city: \(derivations())")

        // The units of a month from these files are taken without loading the registry.
        let month = try #require(Month(year: 2019, month: 1))
        let key = RankingUnitsImage.key(level: .district, city: "北京", days: month.days, alsoFor: month.yearEarlier?.days)
        let registryCache = RegistryCache(directory: cache)
        #expect(RegistryDerivation.cached(directory: stations, cache: registryCache, key: key) != nil)

        // A station moved to another district: the kept units are not taken, the report follows the file.
        // (The district in the station table and in the memberships, so that they agree.)
        var edited: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: stations).filter({ $0.hasSuffix(".csv") }).sorted() {
            let path = stations + "/" + name
            let text = try String(contentsOfFile: path, encoding: .utf8)
            guard text.contains("东城区") else { continue }
            try text.replacingOccurrences(of: "东城区", with: "东城新区").write(toFile: path, atomically: true, encoding: .utf8)
            edited.append(name)
        }
        #expect(!edited.isEmpty, "a file of the shipped registry names 东城区")
        #expect(RegistryDerivation.cached(directory: stations, cache: registryCache, key: key) == nil)
        let after = rank(scopes[0], cache: cache)
        let fresh = rank(scopes[0], cache: "off")
        #expect(after.stdout.contains("东城新区") && !after.stdout.contains("东城区,"), "\(after.stdout.prefix(600))")
        #expect(Array(after.stdout.utf8) == Array(fresh.stdout.utf8))
        #expect(RegistryDerivation.cached(directory: stations, cache: registryCache, key: key) != nil, "kept again for the edited files")
    }

    @Test("a damaged entry is not taken (the units are formed again, the same report); a foreign build's or key's is never read")
    func damagedEntryIsNotTaken() throws {
        let store = SharedStore.national.directory
        let stations = try Self.registryCopy("units-damaged-registry")
        let cache = TestPaths.temporaryDirectory("units-damaged-cache") + "/haze"
        let arguments = ["rank", "--store", store, "--stations", stations, "--month", "2019-01", "--level", "district", "--city", "北京", "--format", "csv"]
        let first = InProcess(arguments, environment: ["HAZE_CACHE": cache])
        #expect(first.status == 0, "\(first.stderr)")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: cache).first(where: RegistryCache.isDerivationName))
        let path = cache + "/" + name
        let original = try #require(FileManager.default.contents(atPath: path))
        let month = try #require(Month(year: 2019, month: 1))
        let key = RankingUnitsImage.key(level: .district, city: "北京", days: month.days, alsoFor: month.yearEarlier?.days)
        let registryCache = RegistryCache(directory: cache)
        // Any byte of the entry: the fingerprint, the key, the checksum or the body.
        for position in stride(from: 0, to: original.count, by: max(1, original.count / 97)) + [original.count - 1] {
            var damaged = [UInt8](original)
            damaged[position] ^= 0x20
            try Data(damaged).write(to: URL(fileURLWithPath: path))
            #expect(RegistryDerivation.cached(directory: stations, cache: registryCache, key: key) == nil, "byte \(position)")
        }
        try Data(original).write(to: URL(fileURLWithPath: path))
        #expect(chmod(path, 0o600) == 0)
        #expect(RegistryDerivation.cached(directory: stations, cache: registryCache, key: key) != nil)
        var other = key
        other[other.count - 1] ^= 1
        #expect(RegistryDerivation.cached(directory: stations, cache: registryCache, key: other) == nil)
        // Damaged on disk: the ranking forms the units again and gives the same report.
        var damaged = [UInt8](original)
        damaged[damaged.count - 10] ^= 0x01
        try Data(damaged).write(to: URL(fileURLWithPath: path))
        let second = InProcess(arguments, environment: ["HAZE_CACHE": cache])
        #expect(second.status == 0 && Array(second.stdout.utf8) == Array(first.stdout.utf8) && second.stderr == first.stderr)
        #expect(RegistryDerivation.cached(directory: stations, cache: registryCache, key: key) != nil, "written again")
    }

    @Test("the registry's warnings and the ranking's errors are the same from kept units; a missing registry is named before a missing store")
    func warningsAndErrorsFromKeptUnits() throws {
        let made = TestPaths.temporaryDirectory("units-warnings")
        try RegistryCacheTests.writeRegistry(to: made)
        let store = SharedStore.national.directory
        let cache = TestPaths.temporaryDirectory("units-warnings-cache") + "/haze"
        // The made registry's stations have no values in the store: nothing ranked (exit 65), after two warnings.
        let arguments = ["rank", "--store", store, "--stations", made, "--month", "2019-01", "--level", "town", "--city", "测试市"]
        let without = InProcess(arguments, environment: ["HAZE_CACHE": "off"])
        let writing = InProcess(arguments, environment: ["HAZE_CACHE": cache])
        let taking = InProcess(arguments, environment: ["HAZE_CACHE": cache])
        #expect(without.status == ExitCode.dataError.rawValue, "\(without.stderr)")
        #expect(without.stderr.components(separatedBy: "haze: warning:").count == 3, "\(without.stderr)")
        #expect(without.status == writing.status && writing.status == taking.status)
        #expect(without.stderr == writing.stderr && writing.stderr == taking.stderr, "\(taking.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache).contains(where: RegistryCache.isDerivationName))
        // An unknown city is an error, and nothing is kept for it.
        let unknown = InProcess(["rank", "--store", store, "--stations", made, "--month", "2019-01", "--level", "town", "--city", "无此市"],
                                environment: ["HAZE_CACHE": cache])
        #expect(unknown.status != 0 && unknown.stderr.contains("无此市"), "\(unknown.stderr)")
        // Both missing: the registry is named, as when it was loaded before the store was opened.
        let nowhere = TestPaths.temporaryDirectory("units-nowhere")
        let missing = InProcess(["rank", "--store", nowhere + "/store", "--stations", nowhere + "/stations", "--month", "2019-01"],
                                environment: ["HAZE_CACHE": cache])
        #expect(missing.status != 0 && missing.stderr.contains(nowhere + "/stations") && !missing.stderr.contains(nowhere + "/store"),
                "\(missing.stderr)")
    }

    @Test("the row check's terms give the slot hash: the series term grows by one stride per series, at any step")
    func rowHashTerms() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0 ..< 2000 {
            let series = Int.random(in: 0 ..< 1 << 24, using: &generator)
            let step = Int.random(in: -1_000_000 ... 1_000_000, using: &generator)
            let raw = UInt64.random(in: 1 ... .max, using: &generator)
            #expect(RowHash.mix(raw, seriesTerm: RowHash.seriesTerm(series), stepTerm: RowHash.stepTerm(step))
                    == RowHash.slot(raw, series: series, step: step))
            #expect(RowHash.seriesTerm(series + 1) == RowHash.seriesTerm(series) &+ RowHash.seriesStride)
        }
        #expect(RowHash.slot(0, series: 5, step: 7) == 0)
    }

    @Test("a damaged slot anywhere in a daily row is found: the first and the last series, and a slot past the series table")
    func damageAnywhereInTheRow() throws {
        let store = Self.oneDayStore("units-row-damage")
        let daily = store + "/" + Store.dailyFileName
        let original = StoreCheckTests.bytes(daily)
        let day = Day(CivilDate(year: 2019, month: 1, day: 1)!)
        let opened = try Store(directory: store, access: .readOnly)
        let seriesCount = opened.series.count
        let capacity = opened.daily.geometry.seriesCapacity
        try opened.verifyDailyRows(day ..< day.advanced(by: 1))
        var positions = [0, seriesCount - 1]
        if capacity > seriesCount { positions.append(seriesCount) }
        if capacity > seriesCount + 1 { positions.append(capacity - 1) }
        for series in positions {
            let offset = try StoreCheckTests.slotOffset(daily, step: day.index, series: series)
            // One bit of the valid hours: a value still in range, so only the checksum tells.
            try StoreCheckTests.patch(daily, at: offset, [original[offset] ^ 0x01])
            let fresh = try Store(directory: store, access: .readOnly)
            #expect(throws: StoreError.self, "series \(series) of \(seriesCount), capacity \(capacity)") {
                try fresh.verifyDailyRows(day ..< day.advanced(by: 1))
            }
            try StoreCheckTests.patch(daily, at: offset, [original[offset]])
        }
        try Store(directory: store, access: .readOnly).verifyDailyRows(day ..< day.advanced(by: 1))
    }
}
