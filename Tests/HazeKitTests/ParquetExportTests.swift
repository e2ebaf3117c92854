import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeReport
@testable import HazeStore

/// `haze export parquet`: the Parquet writer's encodings against bytes
/// worked out by hand from parquet.thrift and Thrift's compact protocol, and
/// exports of the shared national store read back by pyarrow and DuckDB
/// (`Tests/Scripts/parquet_read.py`, never haze's code) and compared with
/// `haze query --format csv` of the same stations.
@Suite("Parquet export", .onTestThreads)
struct ParquetExportTests {
    // MARK: Encodings, by hand

    @Test("Thrift compact protocol: short and long field headers, zigzag varints, nested struct, long list")
    func compactProtocol() {
        var w = ThriftCompactWriter()
        w.i32(1, 2)                      // delta 1, i32 (5): 0x15; zigzag(2) = 4
        w.i64(3, -1)                     // delta 2, i64 (6): 0x26; zigzag(-1) = 1
        w.string(20, "ab")               // delta 17 > 15: type 0x08, zigzag(20) = 40, length 2
        w.bool(21, true)                 // delta 1, true (1): 0x11
        w.structure(22) { $0.i32(1, 300) } // 0x1C; inside 0x15, zigzag(300) = 600 = 0xD8 0x04; stop
        w.i32s(23, Array(repeating: 1, count: 16)) // 0x19; 16 ≥ 15: 0xF5, count 16; each zigzag(1) = 2
        w.stop()
        let expected: [UInt8] = [0x15, 0x04, 0x26, 0x01, 0x08, 0x28, 0x02, 0x61, 0x62, 0x11,
                                 0x1C, 0x15, 0xD8, 0x04, 0x00, 0x19, 0xF5, 0x10]
            + Array(repeating: 0x02, count: 16) + [0x00]
        #expect(w.bytes == expected)
    }

    @Test("PLAIN values, RLE definition levels of an optional column, bit-packed booleans")
    func pageBodies() {
        var values = ParquetColumn("value", .double, optional: true)
        for v in [1.5, nil, nil, 2.0] as [Double?] { values.append(v) }
        // Runs: 1×level 1, 2×level 0, 1×level 1 → (1<<1, 1), (2<<1, 0), (1<<1, 1): 6 bytes, length-prefixed.
        let levels: [UInt8] = [6, 0, 0, 0, 2, 1, 4, 0, 2, 1]
        let plain = withUnsafeBytes(of: (1.5).bitPattern.littleEndian, Array.init) + withUnsafeBytes(of: (2.0).bitPattern.littleEndian, Array.init)
        #expect(values.pageBody() == levels + plain)
        #expect(values.rows == 4 && values.values == 2)

        var flags = ParquetColumn("valid", .boolean)
        for b in [true, false, true, true, false, false, false, false, true] { flags.append(b) }
        #expect(flags.pageBody() == [0b0000_1101, 0b0000_0001])

        var text = ParquetColumn("station", .byteArray, .string)
        text.append("1001A")
        #expect(text.pageBody() == [5, 0, 0, 0] + Array("1001A".utf8))
    }

    // MARK: Real data, read by pyarrow and DuckDB

    static let pollutants = TestPaths.cnemcHasGases ? "all" : "pm2.5,pm10"

    /// The Beijing stations of the registry that the shared store has values of.
    static var beijing: [Station] {
        get throws {
            let store = try SharedStore.open()
            return SharedStore.registry.stations(inCity: "北京")
                .filter { store.index(of: SeriesKey(station: $0.code, pollutant: .pm25)) != nil }
                .sorted { $0.code < $1.code }
        }
    }

    /// `haze query --station … --format csv` rows by (station, time, pollutant) → value text.
    static func queried(_ stations: [Station], _ extra: [String]) throws -> (rows: Int, values: [String: Double]) {
        var rows = 0
        var values: [String: Double] = [:]
        for station in stations {
            let run = InProcess(["query", "--store", SharedStore.national.directory, "--stations", TestPaths.stations,
                                 "--station", station.code, "--pollutant", pollutants, "--format", "csv"] + extra)
            try #require(run.status == 0, "\(run.stderr)")
            for line in run.stdout.split(separator: "\n").dropFirst() {
                let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                rows += 1
                if let value = Double(cells[3]) { values["\(station.code)|\(cells[0])|\(cells[2])"] = value }
            }
        }
        return (rows, values)
    }

    @Test("Beijing's hours: pyarrow reads the schema, every row, the sum and sample rows equal to haze query",
          .enabled(if: ParquetReader.python != nil || ParquetReader.required, ParquetReader.missing))
    func hoursReadByPyarrow() async throws {
        let path = TestPaths.temporaryDirectory("parquet-hours") + "/beijing.parquet"
        let run = InProcess(["export", "parquet", "--store", SharedStore.national.directory, "--stations", TestPaths.stations,
                             "--pollutant", Self.pollutants, "--city", "北京", "--from", "2019-01-01", "--to", "2019-02-28", "--out", path])
        try #require(run.status == 0, "\(run.stderr)")
        let reading = try await OffPool.run { try ParquetReader.readJSON(path, arguments: ["--sample", "40"]) }
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(reading.utf8)) as? [String: Any])
        try #require(parsed["pyarrow_missing"] == nil, "\(parsed["pyarrow_missing"] ?? "")")
        let schema = (parsed["schema"] as? [[Any]] ?? []).map { $0.map { "\($0)" }.joined(separator: " ") }
        #expect(schema == ["station string 0", "city string 1", "time timestamp[ms, tz=UTC] 0", "pollutant string 0",
                           "value double 1", "valid bool 0", "control bool 0", "sensor bool 0"])
        let stations = try Self.beijing
        let queried = try Self.queried(stations, ["--resolution", "hour", "--from", "2019-01-01", "--to", "2019-02-28", "--decimals", "1"])
        let rows = try #require(parsed["rows"] as? Int)
        #expect(rows == queried.rows)
        #expect(rows == stations.count * (TestPaths.cnemcHasGases ? 6 : 2) * 59 * 24)
        #expect(parsed["nonnull"] as? Int == queried.values.count)
        #expect(parsed["valid"] as? Int == queried.values.count)
        let sum = try #require(parsed["sum"] as? Double)
        let expectedSum = queried.values.values.reduce(0, +)
        #expect(abs(sum - expectedSum) < 1e-6 * expectedSum, "pyarrow sum \(sum), haze query \(expectedSum)")
        let sample = parsed["sample"] as? [[String: Any]] ?? []
        #expect(sample.count == 40)
        for row in sample {
            let key = [row["station"], row["time"], row["pollutant"]].map { "\($0 ?? "")" }.joined(separator: "|")
            #expect(row["city"] as? String == "北京")
            // The registry's flags, so a GROUP BY city can leave out what haze leaves out.
            let station = stations.first { $0.code == row["station"] as? String }
            #expect(row["control"] as? Bool == station?.isControl, "\(key)")
            #expect(row["sensor"] as? Bool == false, "\(key)")
            if let value = row["value"] as? Double {
                let shown: Double? = queried.values[key]
                #expect(shown == value, "\(key): parquet \(value), query \(String(describing: shown))")
                #expect(row["valid"] as? Bool == true)
            } else {
                #expect(queried.values[key] == nil, "\(key): null in parquet, a value in haze query")
                #expect(row["valid"] as? Bool == false)
            }
        }
        if let duck = parsed["duckdb"] as? [String: Any] {
            #expect(duck["rows"] as? Int == rows)
            #expect(abs((duck["sum"] as? Double ?? 0) - sum) < 1e-6 * sum)
        }
    }

    @Test("Beijing's station days equal haze query's; DuckDB's monthly mean of them equals haze query --resolution month",
          .enabled(if: ParquetReader.python != nil || ParquetReader.required, ParquetReader.missing))
    func daysAndDuckDBMonth() async throws {
        let path = TestPaths.temporaryDirectory("parquet-days") + "/beijing-days.parquet"
        let run = InProcess(["export", "parquet", "--store", SharedStore.national.directory, "--stations", TestPaths.stations,
                             "--pollutant", Self.pollutants, "--city", "北京", "--resolution", "day",
                             "--from", "2019-01-01", "--to", "2019-02-28", "--out", path])
        try #require(run.status == 0, "\(run.stderr)")
        let controls = try Self.beijing.filter(\.isControl).map(\.code)
        #expect(controls == ["1002A"])
        let reading = try await OffPool.run {
            try ParquetReader.readJSON(path, arguments: ["--sample", "40", "--month-pollutant", "PM2.5", "--exclude", controls.joined(separator: ",")])
        }
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(reading.utf8)) as? [String: Any])
        try #require(parsed["pyarrow_missing"] == nil, "\(parsed["pyarrow_missing"] ?? "")")
        let queried = try Self.queried(try Self.beijing, ["--resolution", "day", "--from", "2019-01-01", "--to", "2019-02-28", "--decimals", "6"])
        let rows = try #require(parsed["rows"] as? Int)
        #expect(rows == queried.rows)
        #expect(parsed["nonnull"] as? Int == queried.values.count)
        let sum = try #require(parsed["sum"] as? Double)
        let expectedSum = queried.values.values.reduce(0, +)
        // haze query prints 6 decimals: at most one unit of the last place apart per value
        // (not half a unit: GB/T 8170's "a half within 1e-9 of the magnitude" treats
        // 280708333.33 as a half at 6 decimals and prints 280.708334).
        #expect(abs(sum - expectedSum) <= 1e-6 * Double(queried.values.count), "pyarrow sum \(sum), haze query \(expectedSum)")
        for row in parsed["sample"] as? [[String: Any]] ?? [] {
            let key = [row["station"], row["time"], row["pollutant"]].map { "\($0 ?? "")" }.joined(separator: "|")
            if let value = row["value"] as? Double {
                let shown = try #require(queried.values[key], "\(key): \(value) in parquet, empty in haze query")
                #expect(abs(shown - value) <= 1e-6, "\(key): parquet \(value), query \(shown)")
            } else {
                #expect(queried.values[key] == nil, "\(key): null in parquet, a value in haze query")
            }
        }
        guard let duck = parsed["duckdb"] as? [String: Any] else {
            #expect(!ParquetReader.required, "DuckDB is required (HAZE_REQUIRE_PYARROW) but missing: \(parsed["duckdb_missing"] ?? "")")
            return
        }
        let month = InProcess(["query", "--store", SharedStore.national.directory, "--stations", TestPaths.stations, "--city", "北京",
                               "--pollutant", "pm2.5", "--resolution", "month", "--from", "2019-01-01", "--to", "2019-02-28",
                               "--decimals", "6", "--format", "csv"])
        try #require(month.status == 0, "\(month.stderr)")
        let hazeMonths = month.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let duckMonths = duck["months"] as? [[String: Any]] ?? []
        #expect(hazeMonths.map { $0[0] } == duckMonths.map { $0["month"] as? String ?? "" })
        for (haze, duckMonth) in zip(hazeMonths, duckMonths) {
            let value = try #require(Double(haze[3]), "haze month \(haze[0]) is invalid")
            #expect(abs(value - (duckMonth["mean"] as? Double ?? 0)) <= 1e-6, "\(haze[0]): haze \(value), DuckDB \(duckMonth["mean"] ?? "")")
            #expect(Int(haze[4]) == duckMonth["days"] as? Int)
        }
    }
}

/// The independent Parquet reader (`Tests/Scripts/parquet_read.py`) and the Python that runs it.
enum ParquetReader {
    /// A Python that imports pyarrow: `$HAZE_PYTHON`, the worktree's `.venv-parquet/`, or python3.
    static let python: String? = {
        var candidates: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["HAZE_PYTHON"], !explicit.isEmpty { candidates.append(explicit) }
        candidates += [TestPaths.root + "/.venv-parquet/bin/python3", "/usr/bin/python3"]
        return candidates.first { path in
            FileManager.default.isExecutableFile(atPath: path)
                && (try? Processes.runBlocking(path, ["-c", "import pyarrow.parquet"]).status) == 0
        }
    }()

    /// Set by CI: pyarrow and DuckDB must be there; a missing one fails the tests instead of skipping them.
    static var required: Bool { ProcessInfo.processInfo.environment["HAZE_REQUIRE_PYARROW"] != nil }

    static let missing: Comment = "pyarrow is not installed: `python3 -m venv .venv-parquet && .venv-parquet/bin/pip install pyarrow duckdb` (CI does) to read the exports"

    /// The reader's JSON text for `path` (run off the test pool: it waits for a process).
    static func readJSON(_ path: String, arguments: [String]) throws -> String {
        let result = try Processes.runBlocking(python ?? "/usr/bin/python3", [TestPaths.scripts + "/parquet_read.py", path] + arguments)
        guard result.status == 0 else {
            throw NSError(domain: "parquet_read", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: result.stderr])
        }
        return result.stdout
    }
}
