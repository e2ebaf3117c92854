import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeStore
@testable import HazeIngest
@testable import HazeNet
@testable import HazeSources
@testable import HazeAssessment
@testable import HazeAlerts
@testable import HazeReport
@testable import HazeCLI

@Suite("CLI", .onTestThreads)
struct CLITests {
    @Test("every command has help with an example, from the same spec that parses it")
    func help() {
        let top = InProcess(["--help"])
        #expect(top.status == 0)
        for command in HazeCLI.commands {
            #expect(top.stdout.contains(command.spec.name))
            let run = InProcess([command.spec.name, "--help"])
            #expect(run.status == 0 && run.stdout.contains("USAGE: haze \(command.spec.name)"))
            #expect(run.stdout.contains("EXAMPLES:"), "\(command.spec.name) has examples")
        }
    }

    @Test("a store another writer holds or keeps changing exits 75 (run again), damage 65, a missing store 66")
    func storeRefusalsAsExitStatuses() {
        #expect(ExitCode(for: .busy(directory: "s", attempts: 50)) == .temporaryFailure)
        #expect(ExitCode(for: .locked(directory: "s")) == .temporaryFailure)
        #expect(ExitCode(for: .notFound(directory: "s")) == .noInput)
        #expect(ExitCode(for: .invalidConfiguration("x")) == .dataError)
    }

    @Test("usage errors say what is wrong and suggest the near miss")
    func usageErrors() {
        let typo = InProcess(["querry"])
        #expect(typo.status == 64 && typo.stderr.contains("did you mean 'query'"))
        let option = InProcess(["query", "--statoin", "1001A"])
        #expect(option.status == 64 && option.stderr.contains("did you mean '--station'"))
        let missing = InProcess(["query", "--station"])
        #expect(missing.stderr.contains("--station needs a value (CODE|NAME)"))
        let format = InProcess(["query", "--city", "北京", "--format", "xml", "--store", "/nonexistent"])
        #expect(format.status == 64 && format.stderr.contains("expected table|csv|json"))
        let noStore = InProcess(["status", "--store", "/nonexistent/haze"])
        #expect(noStore.status == 66 && noStore.stderr.contains("no haze store at '/nonexistent/haze'"))
    }

    @Test("stdin ingest through the built binary, then status and stations")
    func stdinAndStatus() async throws {
        let store = TestPaths.temporaryDirectory("haze-cli")
        let csv = "station,time,pollutant,value\n1001A,2019-01-05T10:00+08:00,PM2.5,20\n1001A,2019-01-05T11:00+08:00,PM2.5,30\n"
        let input = TestPaths.temporaryDirectory("haze-cli-input") + "/in.csv"
        try csv.write(toFile: input, atomically: true, encoding: .utf8)
        let run = try await Processes.run("/bin/sh", ["-c", "'\(TestPaths.haze)' ingest --store '\(store)' --stations '\(TestPaths.stations)' - < '\(input)'"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("stored 2, unchanged 0"))
        let status = InProcess(["status", "--store", store, "--format", "json"])
        #expect(status.stdout.contains("\"stations\": 1") && status.stdout.contains("\"newest_hour\": \"2019-01-05T11:00+08:00\""))
        let hour = InProcess(["query", "--store", store, "--station", "1001A", "--pollutant", "pm2.5", "--resolution", "hour",
                              "--from", "2019-01-05", "--to", "2019-01-05", "--format", "json"])
        #expect(hour.stdout.contains("\"time\": \"2019-01-05T11:00+08:00\"") && hour.stdout.contains("\"value\": 30"))
        // Since the dated lists (issue 13) Beijing has 28 stations over the years, 12 in the list in force in
        // 2019; beijing.csv gives them the newer coordinates.
        let stations = InProcess(["stations", "--city", "北京", "--format", "csv", "--on", "2019-01-01"])
        #expect(stations.stdout.split(separator: "\n").count == 13)
        #expect(stations.stdout.contains("1002A,定陵,北京,昌平区,116.2202,40.2915,1"))
        #expect(InProcess(["stations", "--city", "北京", "--format", "csv"]).stdout.split(separator: "\n").count == 29)
    }

    @Test("an unknown district lists the registry's districts")
    func unknownDistrict() {
        let run = InProcess(["query", "--store", SharedStore.national.directory, "--district", "海淀", "--city", "北京"])
        #expect(run.status == 65 && run.stderr.contains("no district '海淀'") && run.stderr.contains("海淀区"))
    }
}
