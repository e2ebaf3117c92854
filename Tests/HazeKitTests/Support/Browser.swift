import Foundation

/// Headless Chromium for the rendering tests, driven over the DevTools
/// protocol by `Tests/Scripts/render.py` (one browser for a batch of pages):
/// each page laid out at an exact viewport width — a phone's 400 px too,
/// which `--window-size` cannot give (its minimum is 500) — measured in the
/// browser, and screenshotted whole. The pages themselves have no script.
enum Browser {
    /// What the browser measured of a page at one viewport width.
    struct Layout {
        struct Figure {
            var id: String
            var top: Double
            var bottom: Double
            var right: Double
            var visibleSVGs: Int
            var svgClass: String
        }

        var page: String
        var width: Int
        var scrollWidth: Int
        var innerWidth: Int
        var scrollHeight: Int
        var figures: [Figure]
        /// Elements reaching beyond the viewport outside a sideways-scrolling table box.
        var overflowing: [String]
        var screenshot: String?
        var media = ""
    }

    struct Job {
        var page: String
        var width: Int
        var screenshot: String?
        /// `print` lays the page out as for paper.
        var media: String = ""
    }

    /// Renders every job in one browser and returns the layouts in order.
    static func render(_ jobs: [Job], chromium: String) async throws -> [Layout] {
        let list = jobs.map { job -> [String: Any] in
            ["page": job.page, "width": job.width, "screenshot": job.screenshot.map { $0 as Any } ?? NSNull(), "media": job.media]
        }
        let path = TestPaths.temporaryDirectory("haze-render-jobs") + "/jobs.json"
        try JSONSerialization.data(withJSONObject: list).write(to: URL(fileURLWithPath: path))
        let results = try await Processes.python("render.py", [chromium, path]) as? [[String: Any]] ?? []
        guard results.count == jobs.count else {
            throw NSError(domain: "browser", code: 1, userInfo: [NSLocalizedDescriptionKey: "render.py returned \(results.count) of \(jobs.count) results"])
        }
        return zip(jobs, results).map { job, value in
            let figures = (value["figures"] as? [[String: Any]] ?? []).map {
                Layout.Figure(id: $0["id"] as? String ?? "", top: $0["top"] as? Double ?? 0, bottom: $0["bottom"] as? Double ?? 0,
                              right: $0["right"] as? Double ?? 0, visibleSVGs: $0["visible"] as? Int ?? 0,
                              svgClass: $0["svgClass"] as? String ?? "")
            }
            return Layout(page: job.page, width: job.width, scrollWidth: value["scrollWidth"] as? Int ?? -1,
                          innerWidth: value["innerWidth"] as? Int ?? -1, scrollHeight: value["scrollHeight"] as? Int ?? -1,
                          figures: figures, overflowing: value["overflowing"] as? [String] ?? [], screenshot: job.screenshot,
                          media: job.media)
        }
    }

    /// Colour counts and the share of non-white pixels per figure of a screenshot.
    static func regions(_ png: String, figures: [Layout.Figure], colours: [String]) async throws -> [String: (nonWhite: Double, colours: [String: Int])] {
        let arguments = [png] + figures.flatMap { ["--region", "\($0.id):\(Int($0.top)):\(Int($0.bottom.rounded(.up)))"] } + colours
        let stats = try await Processes.python("png_stats.py", arguments) as? [String: Any] ?? [:]
        var result: [String: (Double, [String: Int])] = [:]
        for (name, value) in stats["regions"] as? [String: [String: Any]] ?? [:] {
            result[name] = (value["non_white"] as? Double ?? 0, value["colours"] as? [String: Int] ?? [:])
        }
        return result
    }
}
