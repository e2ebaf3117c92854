import Foundation
import HazeModel
import HazeRegistry
import HazeStore
import HazeAssessment
import HazeAlerts

/// `haze site`: a static web site for one city, made from the store — an
/// index of months and years, the monthly rankings, the year so far, a page
/// per unit (the city, each unit of the ranking level, each station) with its
/// charts and history, and the current alerts. Every link is relative, every
/// page self-contained (inline CSS and SVG, no script), so any web server can
/// serve the directory, or a browser open it from disk.
///
/// Made incrementally, for cron: a page is made again only when the
/// fingerprint of its inputs changed, and written only when its bytes
/// changed, so an unchanged page keeps its modification time (`SiteManifest`).
public struct StaticSite {
    /// What site to build.
    public struct Options: Sendable {
        /// The city the site is about, as the registry spells it (or an alias).
        public var city: String
        /// The ranking level of the unit pages and rankings; nil: districts when
        /// the registry assigns districts in the city, else stations.
        public var level: RankingLevel?
        /// The language of the pages.
        public var language: Language

        /// Options for a site of `city`, its units at `level` (nil: districts when the city has them, else stations), in `language`.
        public init(city: String, level: RankingLevel? = nil, language: Language = .zh) {
            self.city = city
            self.level = level
            self.language = language
        }
    }

    /// What a run did.
    public struct Report: Sendable {
        /// The city as the registry spells it.
        public var city = ""
        /// The level the units were ranked at.
        public var level: RankingLevel = .district
        /// Every page of the site.
        public var pages: [String] = []
        /// Pages whose inputs changed and were made again.
        public var made: [String] = []
        /// Pages written (new or changed bytes).
        public var written: [String] = []
        /// Pages of an earlier run no longer part of the site, removed.
        public var removed: [String] = []
        /// Months ranked in this run (the others came from the manifest).
        public var monthsRanked = 0
        /// Things the operator should know (months skipped for want of data, …).
        public var notes: [String] = []
    }

    /// The directory the site is written to.
    public let directory: String

    /// A site to be written to `directory` by `generate`.
    public init(directory: String) { self.directory = directory }

    /// Makes or updates the site from the store at `storeDirectory` (read
    /// consistently: a concurrent ingest never shows half-written).
    public func generate(storeDirectory: String, registry: StationRegistry, options: Options) throws -> Report {
        try prepareDirectory()
        let lock = try takeLock()
        defer { flock(lock, LOCK_UN); close(lock) }
        let previous = readManifest()
        let build = try Store.readConsistently(directory: storeDirectory) { store in
            try SiteBuild(store: store, registry: registry, options: options, previous: previous.manifest, directory: directory)
        }
        var report = build.report
        if previous.unreadable { report.notes.append("\(SitePath.manifest) could not be read; every page was made again") }
        try apply(build, previous: previous.manifest, report: &report)
        return report
    }

    // MARK: Files

    func path(_ relative: String) -> String { directory + "/" + relative }

    func prepareDirectory() throws(SiteError) {
        var info = stat()
        if lstat(directory, &info) != 0 {
            do { try Directory.create(directory) } catch { throw .system(path: directory, operation: "create the directory", reason: "\(error)") }
            return
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw .specialFile(directory) }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let ours: Set<String> = [SitePath.manifest, SitePath.lock]
        if entries.contains(where: { !ours.contains($0) }) && !entries.contains(SitePath.manifest) {
            throw .notASite(directory)
        }
    }

    func takeLock() throws(SiteError) -> Int32 {
        let lockPath = path(SitePath.lock)
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw .system(path: lockPath, operation: "open", reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw .busy(directory)
        }
        return fd
    }

    /// Writes `bytes` to a temporary file beside `path` and renames it over
    /// `path`, unsynced (the directory is flushed once, by `apply`).
    static func replace(_ path: String, with bytes: [UInt8]) throws(SiteError) {
        do {
            try AtomicFile.write(bytes, to: path, durable: false)
        } catch .system(let failed, let operation, let code) {
            throw .system(path: failed, operation: operation, reason: String(cString: strerror(code)))
        } catch {
            throw .system(path: path, operation: "write", reason: error.description)
        }
    }

    func readManifest() -> (manifest: SiteManifest, unreadable: Bool) {
        guard let data = FileManager.default.contents(atPath: path(SitePath.manifest)) else { return (SiteManifest(), false) }
        guard let manifest = SiteManifest.load(Array(data)) else { return (SiteManifest(), true) }
        return (manifest, false)
    }

    /// The size of a regular file, nil when absent; a path taken by anything else is refused.
    func regularFileSize(_ relative: String) throws(SiteError) -> Int? {
        var info = stat()
        guard lstat(path(relative), &info) == 0 else { return nil }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .specialFile(path(relative)) }
        return Int(info.st_size)
    }

    /// Writes the pages (each to a temporary file renamed over the page, so a
    /// reader sees the old page or the new one, never half of one), removes
    /// pages no longer in the site, flushes each directory once, and only
    /// then records the run in the manifest (written atomically and synced).
    /// Pages are not synced one by one — at tens of milliseconds each that
    /// would make the daily run of a city's thirty pages take seconds — because
    /// they can always be made again: every run reads each page back and
    /// makes again any whose bytes are not those the manifest records (lost
    /// in a crash, emptied, edited by hand).
    func apply(_ build: SiteBuild, previous: SiteManifest, report: inout Report) throws {
        for (relative, bytes) in build.writes.sorted(by: { $0.key < $1.key }) {
            _ = try regularFileSize(relative)
            let full = path(relative)
            let folder = (full as NSString).deletingLastPathComponent
            do { try Directory.create(folder) } catch { throw SiteError.system(path: folder, operation: "create the directory", reason: "\(error)") }
            try Self.replace(full, with: bytes)
            report.written.append(relative)
        }
        for relative in previous.pages.keys.sorted() where build.manifest.pages[relative] == nil {
            guard (try? regularFileSize(relative)) != nil else { continue }
            if unlink(path(relative)) == 0 { report.removed.append(relative) }
        }
        // Once per directory, not per page: the renames are on disk before the manifest records them.
        let folders = Set((report.written + report.removed).map { (path($0) as NSString).deletingLastPathComponent })
        for folder in folders.sorted() {
            let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fd >= 0 {
                _ = fsync(fd)
                close(fd)
            }
        }
        let manifestBytes = build.manifest.bytes
        if build.manifest != previous || FileManager.default.contents(atPath: path(SitePath.manifest)).map(Array.init) != manifestBytes {
            do { try AtomicFile.write(manifestBytes, to: path(SitePath.manifest)) } catch {
                throw SiteError.system(path: path(SitePath.manifest), operation: "write", reason: "\(error)")
            }
        }
    }
}

/// One run's plan, made while the store is read: the new manifest and the
/// bytes of every page that must be written.
struct SiteBuild {
    var manifest = SiteManifest()
    var writes: [String: [UInt8]] = [:]
    var report = StaticSite.Report()

    init(store: Store, registry: StationRegistry, options: StaticSite.Options, previous: SiteManifest, directory: String) throws {
        let lang = options.language
        guard let city = registry.city(named: options.city) else {
            throw QueryError.unknownCity(options.city, suggestions: registry.citySuggestions(for: options.city))
        }
        guard let newestHour = store.newestHour else { throw QueryError.noData("the store at \(store.directory) is empty; ingest data first") }
        let newestDay = store.zone.day(of: newestHour)
        let level = options.level ?? (registry.districts(inCity: city).isEmpty ? .station : .district)
        report.city = city
        report.level = level
        if options.level == nil && level == .station {
            report.notes.append("the registry assigns no districts in \(city): units are its stations (give --level to choose)")
        }
        let allStations = registry.stations(inCity: city)
        let cityUnit = SiteUnit.city(city, registry: registry, language: lang)
        // Units as formed over the days the store holds (dated lists and memberships).
        let window = store.dailyWindow.map { $0.lowerBound ..< $0.upperBound.advanced(by: 1) } ?? newestDay ..< newestDay.advanced(by: 1)
        let layer = SiteUnit.units(try registry.rankingUnits(level: level, city: city, days: window).units)
        let stationUnits = level == .station ? [] : SiteUnit.units(try registry.rankingUnits(level: .station, city: city, days: window).units)
        let optionKey = "lang=\(lang.rawValue) level=\(level.rawValue) city=\(city)"

        // The months with data: from the first day any station of the city has a value.
        let series = allStations.flatMap { s in Pollutant.allCases.compactMap { store.index(of: SeriesKey(station: s.code, pollutant: $0)) } }
        var firstDay: Day?
        if let window = store.dailyWindow {
            var day = window.lowerBound
            while day <= min(window.upperBound, newestDay) {
                if series.contains(where: { store.daily($0, on: day).validHours > 0 }) { firstDay = day; break }
                day = day.advanced(by: 1)
            }
        }
        guard let firstDay else { throw QueryError.noData("the store has no value of any station of \(city)") }
        let months = Array(firstDay.month ... newestDay.month)

        // Month summaries: from the manifest where their data are unchanged.
        var summaries: [RankingLevel: [MonthSummary]] = [:]
        var monthInputs: [Month: String] = [:]
        for month in months { monthInputs[month] = MonthSummary.inputs(store: store, stations: allStations, month: month) }
        for summaryLevel in Set([level, .station]).sorted(by: { $0.rawValue < $1.rawValue }) {
            for month in months {
                let key = SiteManifest.key(summaryLevel.rawValue + " " + optionKey, month)
                let inputs = monthInputs[month] ?? ""
                let summary: MonthSummary
                if let cached = previous.months[key], cached.inputs == inputs {
                    summary = cached.summary
                } else {
                    summary = try MonthSummary(store: store, registry: registry, city: city, level: summaryLevel, month: month)
                    report.monthsRanked += 1
                }
                manifest.months[key] = SiteManifest.CachedMonth(inputs: inputs, summary: summary)
                summaries[summaryLevel, default: []].append(summary)
            }
        }
        func historyKey(_ level: RankingLevel) -> String {
            Fingerprint.of(Array((summaries[level] ?? []).map { $0.json().serialized() }.joined(separator: "\n").utf8))
        }
        // Months with a ranking page: data, and some unit with a valid month (a
        // month of a few days — the first day of a store, say — ranks nothing).
        let monthsWithData = (summaries[level] ?? []).filter { $0.hasData && $0.isRanked }.map(\.month)
        let years = Array(Set(monthsWithData.map(\.year))).sorted()

        // Every page: its path, the fingerprint of its inputs, and how to make it.
        var plans: [(path: String, inputs: String, make: () throws -> String)] = []
        var indexKey = Fingerprint()
        indexKey.add("index-1 " + HazeVersion.current + " " + optionKey)
        for month in monthsWithData { indexKey.add(month.description) }
        for unit in [cityUnit] + layer + stationUnits { indexKey.add(unit.path + "|" + unit.title) }
        plans.append((SitePath.index, indexKey.hex, {
            SitePage.index(city: city, months: monthsWithData, yearPages: years, units: level == .station ? [] : layer,
                           stations: level == .station ? layer : stationUnits, language: lang)
        }))
        plans.append(Self.alertsPlan(store: store, registry: registry, city: city, stations: allStations, optionKey: optionKey,
                                     language: lang, notes: &report.notes))
        for month in monthsWithData {
            let here = SitePath.month(month)
            plans.append((here, Fingerprint.of(Array("month-page-1 \(HazeVersion.current) \(optionKey) \(monthInputs[month] ?? "")".utf8)), {
                let ranking = try MonthlyRanking(store: store, registry: registry, month: month, scope: RankingScope(level: level, city: city))
                return MonthlyRankingReport(ranking: ranking, language: lang)
                    .html(navigation: SitePage.navigationLinks(from: here, language: lang),
                          footer: lang.text("数据：\(month)", "Data: \(month)") + " · haze \(HazeVersion.current)")
            }))
        }
        for year in years {
            let inYear = monthsWithData.filter { $0.year == year }
            guard let first = inYear.first, let last = inYear.last else { continue }
            let here = SitePath.year(year)
            let key = inYear.map { monthInputs[$0] ?? "" }.joined(separator: " ")
            plans.append((here, Fingerprint.of(Array("year-page-1 \(HazeVersion.current) \(optionKey) \(first) \(last) \(key)".utf8)), {
                let ranking: PeriodRanking
                do {
                    ranking = try PeriodRanking(store: store, registry: registry, from: first, to: last, scope: RankingScope(level: level, city: city))
                } catch let error as QueryError where error.isNothingRanked {
                    // The index links the year; its page says why nothing is ranked.
                    let section = RankingHTML.Section(heading: lang.text("未排名", "Not ranked"), chart: nil, columns: [], rows: [], muted: [],
                                                      body: "<p>\(HTMLText.escape(error.description))</p>\n")
                    var page = RankingHTML(title: lang.text("\(year)年", "\(year)"), subtitle: "", sections: [section], notes: [],
                                           footer: " · haze \(HazeVersion.current)", language: lang)
                    page.navigation = SitePage.navigationLinks(from: here, language: lang)
                    return page.document
                }
                return PeriodRankingReport(ranking: ranking, language: lang)
                    .html(navigation: SitePage.navigationLinks(from: here, language: lang),
                          footer: lang.text("数据：\(first)—\(last)", "Data: \(first) to \(last)") + " · haze \(HazeVersion.current)")
            }))
        }
        for unit in [cityUnit] + layer + stationUnits {
            let history = summaries[unit.level ?? level] ?? []
            let newest = UnitPage.newestHour(store: store, stations: unit.stations, before: newestHour)
            var key = Fingerprint()
            key.add(UnitPage.inputs(store: store, unit: unit, newestDay: newestDay, historyKey: historyKey(unit.level ?? level), options: optionKey))
            key.add(newest?.index ?? -1)
            let page = UnitPage(unit: unit, newestDay: newestDay, history: history, language: lang)
            plans.append((unit.path, key.hex, { try page.html(store: store, registry: registry, newestHour: newest) }))
        }

        // Make what changed; write what differs.
        for plan in plans {
            report.pages.append(plan.path)
            let old = previous.pages[plan.path]
            let site = StaticSite(directory: directory)
            let size = try site.regularFileSize(plan.path)
            if let old, old.inputs == plan.inputs, size == old.bytes,
               let onDisk = FileManager.default.contents(atPath: site.path(plan.path)), Fingerprint.of(Array(onDisk)) == old.content {
                manifest.pages[plan.path] = old
                continue
            }
            let bytes = Array(try plan.make().utf8)
            report.made.append(plan.path)
            let content = Fingerprint.of(bytes)
            manifest.pages[plan.path] = SiteManifest.Page(inputs: plan.inputs, content: content, bytes: bytes.count)
            if let old, old.content == content, size == bytes.count { continue }
            writes[plan.path] = bytes
        }
    }

    /// The alerts page: the open episodes of the city's subjects (its
    /// stations, districts, itself, and the nation's), with their latest
    /// logged report, read through the alert journal.
    static func alertsPlan(store: Store, registry: StationRegistry, city: String, stations: [Station], optionKey: String,
                           language: Language, notes: inout [String]) -> (path: String, inputs: String, make: () throws -> String) {
        let journal = AlertJournal(storeDirectory: store.directory)
        var keys = Set(stations.map(\.code))
        keys.insert(city)
        keys.insert(AlertSubject.nationalKey)
        for pair in registry.districts(inCity: city) { keys.insert("\(pair.city)/\(pair.district)") }
        var episodes: [OpenEpisode] = []
        var problem: String?
        do {
            episodes = try journal.loadState().open.filter { keys.contains($0.subject) }
        } catch {
            problem = "\(error)"
            notes.append("the alert state cannot be read (\(error)); the alerts page says so (run `haze check`)")
        }
        var key = Fingerprint()
        key.add("alerts-1 " + HazeVersion.current + " " + optionKey)
        key.add(problem ?? "")
        for e in episodes {
            key.add("\(e.rule)|\(e.subject)|\(e.since)|\(e.level)|\(e.lastReported)|\(e.peak.map { String($0) } ?? "")")
        }
        let zone = store.zone
        return (SitePath.alerts, key.hex, {
            let reports = journal.latestReports(for: episodes, zone: zone)
            let alerts = episodes.map { SitePage.Alert(episode: $0, report: reports[$0.rule + "|" + $0.subject]) }
            return SitePage.alerts(city: city, alerts: alerts, problem: problem, zone: zone, language: language)
        })
    }
}
