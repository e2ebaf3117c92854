import Foundation
import HazeModel
import HazeRegistry
import HazeStore
import HazeAssessment
import HazeReport

/// `haze compensation`: the ecological compensation ledger (生态补偿) of a
/// city's districts under a scheme file, from the store's PM2.5 and PM10.
enum CompensationCommand {
    static let spec = CommandSpec(
        name: "compensation",
        abstract: "The ecological compensation ledger (生态补偿) of a city's districts under a scheme file.",
        options: [
            .value("--scheme", "FILE", "The scheme (JSON): terms, rates, coefficients, period, split (see the README)."),
            .value("--month", "YYYY-MM", "The month, for a monthly scheme.", accepts: .month),
            .value("--quarter", "YYYYQN", "The quarter, like 2019Q1, for a quarterly scheme."),
            .value("--year", "YYYY", "The calendar year, for an annual scheme.", accepts: .year),
            .value("--city", "NAME", "The city whose districts pay or receive; its own figures are the city mean."),
            .value("--format", "FORMAT", "table (default) | csv | json | md | xlsx (needs --out)."),
            .flag("--bom", "Start the CSV with a UTF-8 byte-order mark, for Excel on Chinese Windows."),
            .value("--lang", "LANG", "zh (default) | en."),
            .value("--out", "FILE", "Write the ledger to FILE instead of stdout."),
            CommonOptions.store, CommonOptions.stations,
        ],
        rules: [
            .exclusive("--month", "--quarter", "--year", because: "a ledger settles one period"),
            .requires("--bom", "--format=csv", because: "the byte-order mark is for a CSV opened in Excel"),
            .requires("--format=xlsx", "--out", because: "a workbook is a binary file: write it to a file"),
        ],
        discussion: """
        Figures come from the store: each district's and the city's published PM2.5 and PM10
        (HJ 663 means, GB 3095 validity, rounded by GB/T 8170) for the period and the same
        period last year. Every term prints its arithmetic; amounts are in 万元, exact, rounded
        once as the scheme says. A figure the store cannot give (an invalid month, no data last
        year, an indicator haze does not compute yet, a target) leaves its term uncomputed and
        the ledger marked incomplete: exit 1 instead of 0. Rules the scheme file marks as
        unconfirmed are printed under every ledger.
        """,
        examples: [
            "haze compensation --scheme Tests/Fixtures/compensation/henan-zhengzhou-2020.json --month 2019-01 --city 北京",
            "haze compensation --scheme anhui.json --quarter 2019Q1 --city 安庆 --format json",
            "haze compensation --scheme hubei.json --year 2019 --city 武汉 --format xlsx --out ledger.xlsx",
        ])

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        let format = try arguments.format(allowed: [.table, .csv, .json, .md, .xlsx])
        let language: Language = try arguments.choice("--lang", default: .zh)
        guard let schemePath = arguments.value("--scheme") else {
            throw UsageError.missing("haze compensation needs --scheme FILE (see Tests/Fixtures/compensation/ for examples)")
        }
        guard let city = arguments.value("--city") else {
            throw UsageError.missing("haze compensation needs --city NAME: the city whose districts pay or receive")
        }
        var period: CompensationPeriod?
        if let month = try arguments.month("--month") { period = .month(month) }
        if let year = try arguments.year("--year") { period = .year(year) }
        if let text = arguments.value("--quarter") {
            guard let quarter = CompensationPeriod.quarter(parsing: text) else {
                throw UsageError.refusedValue(option: "--quarter", value: text, problem: "not a quarter",
                                              accepted: "a quarter like 2019Q1 (YYYYQ1…YYYYQ4) of \(SupportedCalendar.description)")
            }
            period = quarter
        }
        var scheme = try CompensationScheme.load(path: context.absolute(schemePath))
        scheme.file = schemePath
        let option = ["month": "--month YYYY-MM", "quarter": "--quarter YYYYQN", "year": "--year YYYY"][scheme.period.rawValue] ?? ""
        guard let period else {
            throw UsageError.missing("the scheme '\(scheme.id)' settles by \(scheme.period.rawValue): give \(option)")
        }
        guard period.kind == scheme.period else {
            throw UsageError.conflict("haze compensation: the scheme '\(scheme.id)' settles by \(scheme.period.rawValue), not by \(period.kind.rawValue): give \(option)")
        }
        let registry = try context.registry(arguments)
        let ledger = try Store.readConsistently(directory: context.storeDirectory(arguments)) { store -> CompensationLedger in
            do {
                let input = try CompensationInput(store: store, registry: registry, period: period, city: city)
                return CompensationLedger(scheme: scheme, input: input)
            } catch let error as QueryError where error.isUsage {
                throw UsageError.conflict("haze compensation: \(error)")
            }
        }
        let resolved = registry.city(named: city) ?? city
        let report = CompensationReport(ledger: ledger, language: language,
                                        scopeLabel: language.text(language.cityName(resolved) + "各区", "\(resolved) districts"))
        let output: [UInt8]
        switch format {
        case .csv: output = (arguments.has("--bom") ? [0xEF, 0xBB, 0xBF] : []) + Array(report.csv().utf8)
        case .json: output = Array(report.json().utf8)
        case .md: output = Array(report.markdown().utf8)
        case .xlsx:
            do {
                output = try report.workbook().xlsx()
            } catch {
                throw QueryError.noData("cannot write the workbook: \(error)")
            }
        default: output = Array(report.table().utf8)
        }
        if let out = arguments.value("--out") {
            let path = context.absolute(out)
            try OutputFile.write(output, to: path)
            context.console.note("wrote \(path)")
        } else {
            context.console.out(String(decoding: output, as: UTF8.self))
        }
        guard ledger.isComplete else {
            context.console.note(language.text(
                "haze compensation: 核算不完整：\(ledger.problems.count) 项未能计算（见输出），合计不能作为结算依据",
                "haze compensation: the ledger is incomplete: \(ledger.problems.count) item(s) could not be computed (see the output); its totals cannot be settled on"))
            return .warning
        }
        return .success
    }
}
