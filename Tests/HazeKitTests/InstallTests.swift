import Foundation
import Testing
@testable import HazeModel

/// An installed binary finds its data beside it, never on the build machine,
/// and says where it looked when there is none.
@Suite("Installed binary", .onTestThreads)
struct InstallTests {
    /// `<prefix>/bin/haze` (a copy of the built binary), with or without `<prefix>/share/haze`.
    static func install(withData: Bool) throws -> (prefix: String, binary: String, empty: String) {
        let prefix = TestPaths.temporaryDirectory("haze-install")
        try FileManager.default.createDirectory(atPath: prefix + "/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestPaths.haze, toPath: prefix + "/bin/haze")
        if withData {
            try FileManager.default.createDirectory(atPath: prefix + "/share/haze", withIntermediateDirectories: true)
            for name in ["stations", "alerts"] {
                try FileManager.default.copyItem(atPath: TestPaths.root + "/" + name, toPath: prefix + "/share/haze/" + name)
            }
        }
        let empty = TestPaths.temporaryDirectory("haze-install-cwd")
        return (prefix, prefix + "/bin/haze", empty)
    }

    @Test("a copied binary run from an empty directory with no environment finds <prefix>/share/haze")
    func findsInstalledData() async throws {
        let (_, binary, empty) = try Self.install(withData: true)
        let run = try await Processes.run(binary, ["stations", "--city", "北京", "--format", "csv"], environment: [:], currentDirectory: empty)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("1001A,万寿西宫,北京"), "\(run.stdout)")
        let rules = try await Processes.run(binary, ["alert", "--store", empty + "/store"], environment: [:], currentDirectory: empty)
        // The registry and the rule sets were found; the run stops only at the missing store.
        #expect(rules.stderr.contains("no haze store at '\(empty)/store'"), "\(rules.stderr)")
    }

    @Test("without installed data it says where it looked, and never reads the build checkout")
    func saysWhereItLooked() async throws {
        let (prefix, binary, empty) = try Self.install(withData: false)
        let run = try await Processes.run(binary, ["stations", "--city", "北京"], environment: [:], currentDirectory: empty)
        #expect(run.status == 64, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("cannot find the stations directory; looked in \(empty)/stations, \(prefix)/share/haze/stations"),
                "\(run.stderr)")
        #expect(!run.stderr.contains(TestPaths.root + "/stations"))
    }

    @Test("a symlink to the binary resolves to its real prefix")
    func followsSymlinks() async throws {
        let (_, binary, empty) = try Self.install(withData: true)
        let link = TestPaths.temporaryDirectory("haze-install-link") + "/haze"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: binary)
        let run = try await Processes.run(link, ["stations", "--city", "北京"], environment: [:], currentDirectory: empty)
        #expect(run.status == 0, "\(run.stderr)")
    }
}
