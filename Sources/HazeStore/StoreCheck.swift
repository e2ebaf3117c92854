import Foundation
import HazeModel

/// Verifies a store: both rings' headers (both copies, every field), the
/// series table, every row of both rings against its checksum and tag, every
/// slot against the range a reading can have, and every daily value the
/// hourly ring can still vouch for against a recomputation from its hours.
/// Never throws for damage: damage is what it reports.
public struct StoreCheck: Sendable {
    /// One thing found wrong (or worth saying).
    public enum Finding: Sendable, Equatable, CustomStringConvertible {
        /// A ring that cannot be opened at all (truncated, wrong magic, both header copies damaged …).
        case unopenable(file: String, reason: String)
        /// A ring of an older format, upgraded by any writer.
        case olderFormat(file: String, version: Int)
        /// One header copy is damaged or stale; the other holds.
        case headerCopy(file: String, detail: String)
        /// The two rings do not fit together (widths, lengths, a duplicate series).
        case layout(file: String, detail: String)
        /// A header field both copies agree on but the rest of the store contradicts.
        case headerField(String)
        case hourlyRow(hour: Hour, label: String, detail: String)
        case dailyRow(day: Day, detail: String)
        /// Daily values that differ from a recomputation from intact hours.
        case dailyDisagrees(day: Day, values: Int, example: String)
        /// A window move was interrupted; the next writer completes it (not damage).
        case interruptedMove(file: String)
        /// Daily values a repair kept without (all of) their hours, which
        /// raw/ did not hold (`DailyRing.keptWithoutHours`; not damage).
        case keptWithoutHours(days: [Day], values: Int)
        /// The machine lost power or crashed while a run was writing: the
        /// rows it had not synced are unverified until the next writer checks them.
        case powerLossPending(hours: Int, since: Int64)
        /// A writer recovered from a power loss; these hours must be ingested again (until reported).
        case powerLossReport([String])

        public var description: String {
            switch self {
            case .unopenable(let file, let reason): "\(file): cannot be opened: \(reason)"
            case .olderFormat(let file, let version): "\(file): format \(version); any writer upgrades it in place (a backup is kept)"
            case .headerCopy(let file, let detail): "\(file): \(detail)"
            case .layout(let file, let detail): "\(file): \(detail)"
            case .headerField(let detail): "header field contradicted by the rest of the store: \(detail)"
            case .hourlyRow(_, let label, let detail): "hourly ring, hour \(label): \(detail)"
            case .dailyRow(let day, let detail): "daily ring, \(day): \(detail)"
            case .dailyDisagrees(let day, let values, let example):
                "daily ring, \(day): \(values) value(s) differ from the hours, e.g. \(example)"
            case .interruptedMove(let file): "\(file): a window move was interrupted; the next writer completes it (readers skip those rows)"
            case .powerLossPending(let hours, let since):
                "the machine lost power or crashed while a run was writing the store"
                    + (since > 0 ? " (since " + ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(since))) + ")" : "")
                    + ": the \(hours) hour(s) it had not synced are not verified yet; `haze check --repair` (or the next ingest or pull) verifies them from the journal and names those to ingest again"
            case .powerLossReport(let lines): "after a power loss: " + lines.joined(separator: "; ")
            case .keptWithoutHours(let days, let values):
                "\(values) daily value(s) on \(days.count) day(s) (\(days.map(\.description).joined(separator: ", "))) stand without their hours: a repair kept them from the verified daily ring because raw/ no longer held all the hours they were made of; ingesting those days' files again restores the hours"
            }
        }

        /// Damage (as opposed to a note): anything but an interrupted move or an older format.
        public var isDamage: Bool {
            switch self {
            case .interruptedMove, .olderFormat, .keptWithoutHours: false
            default: true
            }
        }
    }

    /// The store checked.
    public var directory: String
    /// Everything found, damage and notes, in the order found.
    public var findings: [Finding] = []
    /// Series in the store's series table (0 when it could not be opened).
    public var series = 0
    /// Hourly rows verified: every hour of the hourly window.
    public var checkedHours = 0
    /// Daily rows verified: every day of the daily window.
    public var checkedDays = 0
    /// Verified hourly rows holding at least one value.
    public var hoursWithData = 0
    /// Verified daily rows holding at least one value.
    public var daysWithData = 0

    /// The findings that are damage (`Finding.isDamage`); empty when nothing is damaged.
    public var problems: [Finding] { findings.filter(\.isDamage) }
    /// Rings of an older format are not damaged, but neither are they verified.
    public var needsUpgrade: Bool { findings.contains { if case .olderFormat = $0 { true } else { false } } }
    /// Verified and sound: nothing but notes.
    public var isHealthy: Bool { problems.isEmpty && !needsUpgrade }

    /// Checks the store in `directory` (read-only, without the writer's lock).
    public init(directory: String) {
        do {
            self.init(store: try Store(directory: directory, access: .readOnly))
        } catch {
            self.init(directory: directory, findings: Self.journalFindings(directory: directory, zone: nil)
                      + Self.openingFindings(directory: directory, error: error))
        }
    }

    /// What the writer's journal says: a run a power loss interrupted (not
    /// verified yet), or the report of one recovered from and not yet reported.
    static func journalFindings(directory: String, zone: LocalZone?) -> [Finding] {
        guard let journal = try? WriteJournal(directory: directory, writable: false), let record = journal.record else { return [] }
        var findings: [Finding] = []
        if record.pending && record.boot != BootIdentity.current {
            var hours = StepRanges()
            for image in journal.images(of: record) where image.kind == .hourRanges {
                for range in image.ranges { hours.insert(range) }
            }
            findings.append(.powerLossPending(hours: hours.count, since: record.startedAt))
        }
        if let loss = record.loss { findings.append(.powerLossReport(loss.lines(zone: zone ?? .beijing))) }
        return findings
    }

    /// True when the journal holds a run a power loss interrupted, not verified yet.
    static func powerLossPending(directory: String) -> Bool {
        guard let record = WriteJournal.peek(directory: directory) else { return false }
        return record.pending && record.boot != BootIdentity.current
    }

    private init(directory: String, findings: [Finding]) {
        self.directory = directory
        self.findings = findings
    }

    /// Checks an opened store.
    public init(store: Store) {
        directory = store.directory
        series = store.series.count
        let hourly = store.hourly.ring, daily = store.daily.ring
        for (ring, path) in [(hourly.headerTrouble, store.hourlyPath), (daily.headerTrouble, store.dailyPath)] {
            if let ring { findings.append(.headerCopy(file: path, detail: ring)) }
        }
        for (ring, path) in [(hourly.excessBytes, store.hourlyPath), (daily.excessBytes, store.dailyPath)] where ring > 0 {
            findings.append(.layout(file: path, detail: "the file is \(ring) byte(s) longer than its layout (something was appended)"))
        }
        if daily.geometry.seriesCapacity < store.series.count {
            findings.append(.layout(file: store.dailyPath, detail: "the daily ring has \(daily.geometry.seriesCapacity) series slots for \(store.series.count) series"))
        }
        if daily.geometry.capacity * 24 < hourly.geometry.capacity + 48 {
            findings.append(.layout(file: store.dailyPath, detail: "the daily ring is shorter than the hourly window"))
        }
        if Set(store.series).count != store.series.count {
            findings.append(.layout(file: store.hourlyPath, detail: "the series table lists a series twice"))
        }
        // A window move is interrupted only inside a write: with no write
        // interrupted (the sequence even), a cleared-through step behind the
        // newest one is a damaged header field, whatever the rows hold.
        let interrupted = WriteSequence.forReader(directory: store.directory).map { $0.value % 2 == 1 && !$0.writerAlive } ?? false
            || Self.powerLossPending(directory: store.directory)
        for (file, newest, cleared, ahead) in [
            (store.hourlyPath, hourly.newest?.index, hourly.clearedThrough?.index, hourly.rowsAheadOfCleared().count),
            (store.dailyPath, daily.newest?.index, daily.clearedThrough?.index, daily.rowsAheadOfCleared().count),
        ] {
            guard let newest, let cleared, cleared < newest else { continue }
            if interrupted && ahead == 0 {
                findings.append(.interruptedMove(file: file))
            } else {
                let why = ahead > 0 ? "it is behind \(ahead) row(s) holding data" : "no write was interrupted"
                findings.append(.headerCopy(file: file, detail: "header: the cleared-through step \(cleared) is behind the newest step \(newest) and \(why) (a damaged field; readers do not see those rows)"))
            }
        }
        let codes = store.pollutantCodes
        var damagedHours = Set<Int>()
        if let window = hourly.presentSteps {
            for hour in window {
                checkedHours += 1
                switch hourly.verify(hour, pollutantCodes: codes) {
                case .empty: break
                case .intact: hoursWithData += 1
                case .damaged(let why):
                    damagedHours.insert(hour.index)
                    findings.append(.hourlyRow(hour: hour, label: store.zone.format(hour), detail: why))
                }
            }
        }
        var damagedDays = Set<Int>()
        if let window = daily.presentSteps {
            for day in window {
                checkedDays += 1
                switch daily.verify(day, pollutantCodes: codes) {
                case .empty: break
                case .intact: daysWithData += 1
                case .damaged(let why):
                    damagedDays.insert(day.index)
                    findings.append(.dailyRow(day: day, detail: why))
                }
            }
        }
        findings += Self.dailyAgainstHours(store, skippingHours: damagedHours, skippingDays: damagedDays)
        // First: a power loss explains the torn rows listed after it.
        findings = Self.journalFindings(directory: store.directory, zone: store.zone) + findings
    }

    /// Daily values against the hours, for every intact day wholly inside the
    /// hourly window whose hours are intact.
    static func dailyAgainstHours(_ store: Store, skippingHours: Set<Int>, skippingDays: Set<Int>) -> [Finding] {
        guard let newest = store.newestHour, let accept = store.oldestWritableHour, let window = store.hourlyWindow else { return [] }
        let calendar = store.calendar
        let n = store.series.count
        var findings: [Finding] = []
        var standing: [Day: Int] = [:]
        var day = calendar.day(of: accept)
        let last = calendar.day(of: newest)
        while day <= last {
            defer { day = day.advanced(by: 1) }
            let hours = calendar.hours(of: day)
            guard !skippingDays.contains(day.index), !hours.contains(where: { skippingHours.contains($0.index) }) else { continue }
            var sums = [Int](repeating: 0, count: n)
            var counts = [Int](repeating: 0, count: n)
            let ozone = store.o3Series
            var positions = [[Int?]](repeating: [Int?](repeating: nil, count: 24), count: ozone.count)
            var hadRow = false
            for (position, hour) in hours.enumerated() where window.contains(hour) {
                guard let row = store.row(at: hour) else { continue }
                hadRow = true
                for s in 0 ..< n {
                    if let v = row[s] { sums[s] += v; counts[s] += 1 }
                }
                for (k, s) in ozone.enumerated() { positions[k][position] = row[s] }
            }
            // A day with no hour and no daily row has nothing to compare (most of a young store's window).
            if !hadRow, store.daily.ring.entry(day).map(\.isEmpty) ?? true { continue }
            var expected = (0 ..< n).map { DailyRing.pack(sum: sums[$0], count: counts[$0]) }
            for (k, s) in ozone.enumerated() {
                expected[s] = DailyRing.pack(sum: sums[s], count: counts[s], o3: O3Day(positions: positions[k]))
            }
            var mismatches = 0
            var example = ""
            for s in 0 ..< n {
                let raw = store.dailyRaw(s, on: day)
                if raw & DailyRing.keptWithoutHours != 0 { standing[day, default: 0] += 1 }
                guard raw != DailyRing.rolledUp(expected[s], over: raw) else { continue }
                if mismatches == 0 {
                    let stored = store.daily(s, on: day)
                    example = stored.sum != sums[s] || stored.validHours != counts[s]
                        ? "\(store.series[s]): daily ring \(stored.sum)/\(stored.validHours) h, hours give \(sums[s])/\(counts[s]) h"
                        : "\(store.series[s]): the daily ring's O3 statistics differ from the hours'"
                }
                mismatches += 1
            }
            if mismatches > 0 { findings.append(.dailyDisagrees(day: day, values: mismatches, example: example)) }
        }
        if !standing.isEmpty {
            findings.append(.keptWithoutHours(days: standing.keys.sorted(), values: standing.values.reduce(0, +)))
        }
        return findings
    }

    /// What can be said about a store that does not open: each ring on its own.
    static func openingFindings(directory: String, error: StoreError) -> [Finding] {
        if case .notFound = error { return [.unopenable(file: directory, reason: error.description)] }
        var findings: [Finding] = []
        let rings: [(String, () throws(StoreError) -> Void)] = [
            (directory + "/" + Store.hourlyFileName, { () throws(StoreError) in _ = try HourlyRing(opening: directory + "/" + Store.hourlyFileName, writable: false) }),
            (directory + "/" + Store.dailyFileName, { () throws(StoreError) in _ = try DailyRing(opening: directory + "/" + Store.dailyFileName, writable: false) }),
        ]
        for (path, open) in rings {
            do {
                guard FileManager.default.fileExists(atPath: path) else {
                    findings.append(.unopenable(file: path, reason: "the file is missing"))
                    continue
                }
                try open()
            } catch .formatUpgradeNeeded(_, let version) {
                findings.append(.olderFormat(file: path, version: version))
            } catch {
                findings.append(.unopenable(file: path, reason: error.shortReason))
            }
        }
        // A header field both copies agree on but the rest of the store
        // contradicts (the other ring's record of it, the file's length, the
        // table's checksum, the hours against the days): named exactly.
        let fields = HeaderReconciliation.reconcile(directory: directory, apply: false)
        if !fields.isEmpty {
            findings.removeAll { if case .unopenable = $0 { true } else { false } }
            return findings + fields.map(Finding.headerField)
        }
        // Each ring opens on its own but they disagree and nothing tells which is
        // right: the hourly ring is the authority (days are made from hours), so
        // the daily ring is the one to restore.
        if findings.isEmpty { findings.append(.unopenable(file: directory + "/" + Store.dailyFileName, reason: error.shortReason)) }
        return findings
    }
}

extension StoreCheck {
    /// A check of a store a writer may be changing meanwhile.
    public enum Outcome: Sendable {
        /// Checked on one state no writer was changing: the findings are the store's.
        case checked(StoreCheck)
        /// A live writer was changing the rings through every attempt until
        /// the wait ran out: nothing is known either way.
        case beingWritten(writerPID: Int32, waited: Double)
    }

    /// Checks the store on a state no writer changes while it is read, as any
    /// reader reads (`Store.readConsistently`): waits while a live writer is
    /// between the begin and the end of a write, checks, and checks again when
    /// a write began or ended meanwhile — what is read while rows change is
    /// not evidence of damage (found in review: a check during an ingest
    /// reported damage, exit 65, that was not there). A write left open by a
    /// writer that is gone (killed) is not waited for: what it left is
    /// checked and reported. Never takes the writer's lock, so it never stops
    /// a writer. Gives up after `waitSeconds`.
    public static func whenNotWritten(directory: String, waitSeconds: Double) -> Outcome {
        let clock = ContinuousClock()
        let started = clock.now
        let deadline = started.advanced(by: .milliseconds(Int(max(0, min(waitSeconds, 1e9)) * 1000)))
        var writer: Int32 = 0
        repeat {
            guard let sequence = WriteSequence.forReader(directory: directory) else {
                return .checked(StoreCheck(directory: directory))  // never written by a writer of this format
            }
            while sequence.writing && clock.now < deadline { usleep(10_000) }
            writer = sequence.writerPID
            if sequence.writing { break }
            let before = sequence.value
            let check = StoreCheck(directory: directory)
            let after = sequence.valueAfterReads
            if after == before && (before % 2 == 0 || !sequence.writerAlive) { return .checked(check) }
            writer = sequence.writerPID
        } while clock.now < deadline
        let waited = started.duration(to: clock.now)
        return .beingWritten(writerPID: writer, waited: Double(waited.components.seconds) + Double(waited.components.attoseconds) / 1e18)
    }
}

extension StoreError {
    /// The cause without the advice (for listing several).
    var shortReason: String {
        switch self {
        case .corrupt(_, let detail): detail
        case .badMagic: "not a haze ring file (wrong magic number)"
        case .newerVersion(_, let found, let supported): "format version \(found) is newer than this haze (reads up to \(supported))"
        default: description
        }
    }
}
