import Foundation

/// A small national store of 2019-01-10 … 14 (two weeks of hours, 64 days),
/// built once per test run; tests that change a store work on a copy.
enum FiveDayStore {
    static let base: String = {
        let dir = TestPaths.temporaryDirectory("haze-five-days-base")
        let files = TestPaths.cnemcFiles.filter { name in (10...14).contains { name.contains(String(format: "201901%02d", $0)) } }
        let created = InProcess(["init", "--store", dir, "--hours", "336", "--days", "64"])
        let ingested = InProcess(["ingest", "--quiet", "--store", dir, "--stations", TestPaths.stations] + files)
        precondition(created.status == 0 && ingested.status == 0, "five-day store: \(created.stderr) \(ingested.stderr)")
        return dir
    }()

    /// A fresh copy of the store, in a new directory named after `label`.
    static func copy(_ label: String) throws -> String {
        let dir = TestPaths.temporaryDirectory(label)
        try FileManager.default.removeItem(atPath: dir)
        try FileManager.default.copyItem(atPath: base, toPath: dir)
        return dir
    }
}
