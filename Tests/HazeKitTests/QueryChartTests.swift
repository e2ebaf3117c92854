import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeStore
@testable import HazeAssessment
@testable import HazeReport
@testable import HazeCLI

/// `haze query --format svg|html`: the chart's values and the HTML's values
/// table equal `haze query --format csv` for the same query; the chart
/// formats' refused option combinations exit 64 and write nothing.
@Suite("Query as a chart (svg, html)", .onTestThreads)
struct QueryChartTests {
    static func query(_ arguments: [String]) -> InProcess {
        InProcess(["query", "--store", SharedStore.national.directory, "--stations", TestPaths.stations] + arguments)
    }

    /// `haze query --format csv` as (time, pollutant, value, valid_count) rows, in order.
    static func csvRows(_ arguments: [String]) throws -> [[String]] {
        let run = query(arguments + ["--format", "csv"])
        try #require(run.status == 0, "\(arguments): \(run.stderr)")
        return run.stdout.split(separator: "\n").dropFirst().map { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return [cells[0], cells[2], cells[3], cells[4]]
        }
    }

    /// The body rows of the HTML's values table, cell texts in order.
    static func tableRows(_ html: String) throws -> [[String]] {
        let values = try #require(html.range(of: "<h2>数值</h2>"), "the values table's heading")
        let body = try #require(html[values.upperBound...].range(of: "<tbody>"))
        let end = try #require(html[body.upperBound...].range(of: "</tbody>"))
        return html[body.upperBound ..< end.lowerBound].components(separatedBy: "<tr").dropFirst().map { row in
            row.components(separatedBy: "<td").dropFirst().map { cell in
                let text = cell.drop { $0 != ">" }.dropFirst()
                return SVGData.unescape(String(text.prefix { $0 != "<" }))
            }
        }
    }

    static let cases: [[String]] = [
        ["--station", "1001A", "--from", "2019-01-01", "--to", "2019-02-28"],
        ["--district", "朝阳区", "--city", "北京", "--resolution", "hour", "--from", "2019-01-12", "--to", "2019-01-13"],
        ["--city", "北京", "--resolution", "month", "--from", "2019-01-01", "--to", "2019-02-28"],
    ]

    @Test("svg: each panel's values equal the CSV of the same query, slot by slot, invalid slots empty", arguments: cases)
    func svgEqualsCSV(arguments: [String]) throws {
        let rows = try Self.csvRows(arguments)
        let run = Self.query(arguments + ["--format", "svg"])
        try #require(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("<svg") && run.stdout.contains("xmlns=\"http://www.w3.org/2000/svg\""), "a standalone SVG")
        let panels = SVGData.elements(run.stdout, class: "series")
        #expect(panels.map { $0["data-pollutant"] } == ["PM2.5", "PM10"])
        var compared = 0
        for panel in panels {
            let pollutant = try #require(panel["data-pollutant"])
            let times = (panel["data-times"] ?? "").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let values = (panel["data-values"] ?? "").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let expected = rows.filter { $0[1] == pollutant }
            #expect(times == expected.map { $0[0] }, "\(pollutant): the chart's slots are the query's times")
            #expect(values == expected.map { $0[2] }, "\(pollutant): the chart's values are the query's")
            compared += values.count
        }
        #expect(compared == rows.count && compared > 0)
    }

    @Test("html: a page with the chart (phone and desktop layouts) whose values equal the CSV, and the values table equal to the CSV row by row")
    func htmlHoldsChartAndTable() throws {
        let arguments = Self.cases[0]
        let rows = try Self.csvRows(arguments)
        #expect(rows.contains { $0[2].isEmpty }, "the period has invalid days (1001A PM10), so the table's empty cells are tested")
        let dir = TestPaths.temporaryDirectory("haze-query-html")
        let run = Self.query(arguments + ["--format", "html", "--out", dir + "/q.html"])
        try #require(run.status == 0, "\(run.stderr)")
        let html = try String(contentsOfFile: dir + "/q.html", encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") || html.hasPrefix("<!doctype html>"))
        #expect(!html.contains("<script"), "no scripts")
        #expect(html.contains("class=\"haze-chart wide\"") && html.contains("class=\"haze-chart narrow\""), "both layouts")
        #expect(SVGData.elements(html, class: "series").count == 4, "two pollutants in each of the two layouts")
        for panel in SVGData.elements(html, class: "series") {
            let pollutant = try #require(panel["data-pollutant"])
            let values = (panel["data-values"] ?? "").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(values == rows.filter { $0[1] == pollutant }.map { $0[2] }, "\(pollutant) in the page's chart")
        }
        // The table: time, pollutant, value ("—" where the CSV's is empty), valid count, unit.
        let table = try Self.tableRows(html)
        #expect(table.count == rows.count)
        for (shown, row) in zip(table, rows) {
            #expect(shown == [row[0], row[1], row[2].isEmpty ? "—" : row[2], row[3], "µg/m³"], "\(row)")
        }
    }

    static let refused: [([String], String)] = [
        (["--format", "svg", "--decimals", "1"], "--decimals and --format svg cannot be used together"),
        (["--format", "HTML", "--decimals", "2"], "--decimals and --format html cannot be used together"),
        (["--format", "csv", "--lang", "en"], "--lang needs --format svg or --format html"),
        (["--lang", "en"], "--lang needs --format svg or --format html"),
        (["--format", "html", "--district", "朝阳区"], "--station and --district cannot be used together"),
        (["--format", "png"], "'png' is not valid; expected table|csv|json|svg|html"),
        (["--format", "html", "--lang", "fr"], "--lang: 'fr' is not valid"),
        (["--format", "svg", "--from", "2019-01-05", "--to", "2019-01-01"], "--from 2019-01-05 is after --to 2019-01-01"),
    ]

    @Test("refused combinations of the chart formats exit 64 with the reason and write no --out file", arguments: refused)
    func refusals(arguments: [String], message: String) {
        let out = TestPaths.temporaryDirectory("haze-query-refused") + "/q.out"
        let run = Self.query(["--station", "1001A"] + arguments + ["--out", out])
        #expect(run.status == 64, "\(arguments): \(run.stderr)")
        #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out), "\(arguments) wrote \(out)")
    }
}
