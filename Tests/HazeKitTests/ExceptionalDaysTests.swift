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

/// The exceptional-days file (例外事件, HJ 663-2026) and `haze rank
/// --exclude-exceptional`, checked against the independent reference.
@Suite("Exceptional days: the file, and the PM ranking without them", .onTestThreads, .serialized)
struct ExceptionalDaysTests {
    static func parse(_ text: String, file: String = "dust.csv") throws(ConfigurationError) -> ExceptionalDays {
        try ExceptionalDays.parse(Array(text.utf8), file: file)
    }

    static func refusal(_ text: String) -> String {
        do {
            _ = try parse(text)
            return "accepted"
        } catch {
            return error.description
        }
    }

    @Test("a file with a BOM, CRLF, columns in any order, Chinese kinds and compact dates")
    func parsing() throws {
        let days = try Self.parse("\u{FEFF}Kind,City,Date,Note\r\nsand-dust,,2021-03-15,全国沙尘天气\r\n沙尘暴,北京,20210316,\r\n\r\n其他,北京市,2021-03-17,\"烟花, 春节\"\r\n")
        #expect(days.entries.count == 3)
        #expect(days.entries[0] == ExceptionalDay(day: Day(CivilDate(year: 2021, month: 3, day: 15)!), city: nil,
                                                  kind: .sandDust, note: "全国沙尘天气", line: 2))
        #expect(days.entries[1].city == "北京" && days.entries[1].kind == .sandDust && days.entries[1].line == 3)
        #expect(days.entries[2].kind == .other && days.entries[2].note == "烟花, 春节" && days.entries[2].line == 5)
        // The registry's spelling: 北京市 → 北京; only then does the third day apply to 北京.
        #expect(days.days(forCity: "北京").count == 2 && days.days(forCity: "天津").count == 1)
        let resolved = try SharedStore.registry.resolve(days)
        #expect(resolved.entries.map(\.city) == [nil, "北京", "北京"])
        #expect(resolved.days(forCity: "北京").count == 3)
        #expect(try Self.parse("date,kind\n").entries.isEmpty)
    }

    @Test("every mistake is refused with the file, line and field")
    func refusals() throws {
        #expect(Self.refusal("date,kind,cty\n2021-03-15,dust,北京\n")
                == "dust.csv: line 1: field 'cty': unknown column; did you mean 'city'?; the columns are date,kind,city,note (date and kind required)")
        #expect(Self.refusal("date,city\n2021-03-15,北京\n").hasPrefix("dust.csv: line 1: field 'kind': the header lacks the column"))
        #expect(Self.refusal("date,kind\n2021-03-15,dust\n2019-02-30,dust\n")
                == "dust.csv: line 3: field 'date': '2019-02-30' is not a valid date; expected a day like 2021-03-15 or 20210315 in years 1900–2200")
        #expect(Self.refusal("date,kind\n1850-01-01,dust\n").contains("line 2: field 'date': '1850-01-01' is outside the supported calendar"))
        #expect(Self.refusal("date,kind\n2021-03-15,haze\n")
                == "dust.csv: line 2: field 'kind': 'haze' is not a kind; expected sand-dust (沙尘, 沙尘暴, 扬沙, 浮尘) or other (其他)")
        #expect(Self.refusal("date,kind\n2021-03-15,\n").contains("line 2: field 'kind': empty"))
        #expect(Self.refusal("date,kind,city\n2021-03-15,dust,北京\n2021-03-15,沙尘,北京\n")
                == "dust.csv: line 3: field 'date': 2021-03-15 for 北京 is already listed on line 2")
        #expect(Self.refusal("date,kind\n2021-03-15,dust,北京\n")
                == "dust.csv: line 2: field 'fields': 3 field(s), but the header has 2 (date,kind)")
        #expect(Self.refusal("date,kind,date\n").contains("field 'date': the column is given twice"))
        #expect(Self.refusal("").contains("the file is empty"))
        var gbk = Array("date,kind,city\n2021-03-15,dust,".utf8)
        gbk += [0xB1, 0xB1, 0xBE, 0xA9, 0x0A]   // 北京 in GBK
        do {
            _ = try ExceptionalDays.parse(gbk, file: "dust.csv")
            Issue.record("GBK accepted")
        } catch {
            #expect(error.description.contains("line 2: field 'text': the file is GBK/GB18030-encoded, not UTF-8"))
        }
        // A city the registry does not know, or one day twice under two spellings.
        let unknown = try Self.parse("date,kind,city\n2021-03-15,dust,北平\n")
        #expect(throws: ConfigurationError.self) { try SharedStore.registry.resolve(unknown) }
        do { _ = try SharedStore.registry.resolve(unknown) } catch {
            #expect(error.description.hasPrefix("dust.csv: line 2: field 'city': no city '北平' in the station registry"))
        }
        let twice = try Self.parse("date,kind,city\n2021-03-15,dust,北京\n2021-03-15,dust,北京市\n")
        do {
            _ = try SharedStore.registry.resolve(twice)
            Issue.record("accepted")
        } catch {
            #expect(error.description == "dust.csv: line 3: field 'city': 2021-03-15 for 北京 is already listed on line 2")
        }
        #expect(throws: ConfigurationError.unreadable(file: "/nonexistent/dust.csv", reason: "no such file")) {
            try ExceptionalDays.load(path: "/nonexistent/dust.csv")
        }
    }

    static let file = """
    date,kind,city,note
    2019-01-12,sand-dust,,test day for every city
    2019-01-13,沙尘,北京,
    2019-01-14,sand-dust,天津,not a Beijing unit
    2019-02-05,other,北京,
    2019-02-20,sand-dust,北京,the truncated day

    """

    static let written: String = {
        let path = TestPaths.temporaryDirectory("haze-exceptional") + "/dust.csv"
        _ = FileManager.default.createFile(atPath: path, contents: Data(file.utf8))
        return path
    }()

    static func haze(_ arguments: [String]) throws -> [String: Any] {
        let run = InProcess(["rank", "--store", SharedStore.national.directory, "--stations", TestPaths.stations,
                             "--format", "json"] + arguments)
        guard run.status == 0 else { throw QueryError.noData(run.stderr) }
        return try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] ?? [:]
    }

    static func reference(_ mode: String, _ arguments: [String]) async throws -> [String: Any] {
        try await Processes.python("reference.py", [mode, "--data", TestPaths.cnemc, "--registry", TestPaths.stations,
                                              "--day-hours", "1-24", "--exclude-days", written] + arguments) as? [String: Any] ?? [:]
    }

    @Test("Beijing's districts with the days left out equal the reference (value, validity, rank, valid days), both months",
          arguments: ["2019-01", "2019-02"])
    func againstReference(month: String) async throws {
        let haze = try Self.haze(["--month", month, "--city", "北京", "--exclude-exceptional", Self.written])
        let plain = try Self.haze(["--month", month, "--city", "北京"])
        var compared = 0, changed = 0
        for (ranking, plainRanking) in zip(haze["rankings"] as? [[String: Any]] ?? [], plain["rankings"] as? [[String: Any]] ?? []) {
            let pollutant = ranking["pollutant"] as? String ?? ""
            let reference = try await Self.reference("rank", ["--indicator", pollutant.lowercased(), "--level", "district",
                                                        "--city", "北京", "--month", month])
            let units = try #require(reference["units"] as? [String: [String: Any]])
            let entries = ranking["entries"] as? [[String: Any]] ?? []
            #expect(entries.count == units.count)
            for entry in entries {
                let name = entry["unit"] as? String ?? ""
                let want = try #require(units[name], "\(name)")
                #expect(entry["mean"] as? Int == want["value"] as? Int, "\(pollutant) \(name) value")
                #expect(entry["valid"] as? Bool == want["valid"] as? Bool, "\(pollutant) \(name) valid")
                #expect(entry["rank"] as? Int == want["rank"] as? Int, "\(pollutant) \(name) rank")
                #expect(entry["valid_days"] as? Int == want["valid_days"] as? Int, "\(pollutant) \(name) valid days before exclusion")
                let last = entry["last_year"] as? [String: Any]
                #expect(last?["mean"] as? Int == want["last_year_value"] as? Int)
                let before = (plainRanking["entries"] as? [[String: Any]])?.first { $0["unit"] as? String == name }
                if before?["mean_of_valid_days"] as? Double != entry["mean_of_valid_days"] as? Double { changed += 1 }
                compared += 1
            }
        }
        // February 2019: no district has a valid PM10 month (days of hours 1–24), so PM10 is not ranked —
        // and the reference agrees that none is valid.
        if month == "2019-02" {
            #expect((haze["unranked"] as? [String]) == ["PM10"], "\(haze["unranked"] ?? "")")
            let pm10 = try await Self.reference("rank", ["--indicator", "pm10", "--level", "district", "--city", "北京", "--month", month])
            let units = try #require(pm10["units"] as? [String: [String: Any]])
            #expect(!units.isEmpty && units.values.allSatisfy { $0["valid"] as? Bool == false })
        }
        #expect(compared == (month == "2019-02" ? 8 : 16))
        #expect(changed > 0, "leaving the days out changes the means")
    }

    @Test("days averaged: the reference's days_used for one district; the report names the days it left out")
    func report() async throws {
        let haze = try Self.haze(["--month", "2019-01", "--city", "北京", "--exclude-exceptional", Self.written])
        let reference = try await Self.reference("unit-stats", ["--city", "北京", "--district", "朝阳区", "--month", "2019-01", "--no-daily"])
        let pollutants = try #require(reference["pollutants"] as? [String: [String: Any]])
        for ranking in haze["rankings"] as? [[String: Any]] ?? [] {
            let pollutant = ranking["pollutant"] as? String ?? ""
            let entry = try #require((ranking["entries"] as? [[String: Any]])?.first { $0["unit"] as? String == "朝阳区" })
            #expect(entry["days_used"] as? Int == pollutants[pollutant]?["days_used"] as? Int)
            #expect(entry["valid_days"] as? Int == pollutants[pollutant]?["valid_days"] as? Int)
            // The JSON gives the unrounded mean to 4 decimals.
            #expect(abs((entry["mean_of_valid_days"] as? Double ?? 0) - (pollutants[pollutant]?["exact"] as? Double ?? -1)) <= 0.00005 + 1e-9)
        }
        // The JSON lists the days that applied: not Tianjin's, not February's.
        let excluded = try #require((haze["exceptional_days"] as? [String: Any])?["excluded"] as? [[String: Any]])
        #expect(excluded.map { $0["date"] as? String ?? "" } == ["2019-01-12", "2019-01-13"])
        #expect(excluded.map { $0["kind"] as? String ?? "" } == ["sand-dust", "sand-dust"])
        let table = InProcess(["rank", "--store", SharedStore.national.directory, "--stations", TestPaths.stations,
                               "--month", "2019-01", "--city", "北京", "--exclude-exceptional", Self.written])
        #expect(table.stdout.contains("扣除例外事件日（HJ 663-2026（\(Self.written)））：PM2.5、PM10 浓度不计 2019-01-12（沙尘，全部城市，test day for every city）、2019-01-13（沙尘，北京）"))
        #expect(table.stdout.contains("扣除例外事件日2天"))
        let csv = InProcess(["rank", "--store", SharedStore.national.directory, "--stations", TestPaths.stations,
                             "--month", "2019-01", "--city", "北京", "--exclude-exceptional", Self.written, "--format", "csv"])
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.first?.hasSuffix(",change_rank,days_used") == true)
        #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == 18 })
        // A month the file lists nothing for says so.
        let none = InProcess(["rank", "--store", SharedStore.national.directory, "--stations", TestPaths.stations,
                              "--month", "2019-01", "--level", "city", "--city", "上海", "--exclude-exceptional", Self.written, "--lang", "en"])
        #expect(none.status == 0)
        #expect(none.stdout.contains("2019-01-12 (sand and dust, every city, test day for every city)"))
    }

    @Test("--exclude-exceptional is refused for a period ranking (64); a bad file stops the ranking with its line (65)")
    func commandLine() async throws {
        let period = InProcess(["rank", "--store", SharedStore.national.directory, "--stations", TestPaths.stations,
                                "--year", "2019", "--city", "北京", "--exclude-exceptional", Self.written])
        #expect(period.status == 64 && period.stderr.contains("--exclude-exceptional and --year cannot be used together"))
        let bad = TestPaths.temporaryDirectory("haze-exceptional") + "/bad.csv"
        _ = FileManager.default.createFile(atPath: bad, contents: Data("date,kind,city\n2019-01-12,dust,北平\n".utf8))
        let refused = InProcess(["rank", "--store", SharedStore.national.directory, "--stations", TestPaths.stations,
                                 "--month", "2019-01", "--city", "北京", "--exclude-exceptional", bad])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("bad.csv: line 2: field 'city': no city '北平' in the station registry"))
        #expect(refused.stdout.isEmpty)
    }
}
