import Foundation
import HazeModel

/// What the writer that found a run interrupted by a power loss (its journal
/// record left by another boot of the machine) did, and what must be
/// ingested again. Kept in the journal until a command has reported it
/// (`Store.acknowledgePowerLoss()`), so a writer killed before it could say
/// so does not lose it.
public struct PowerLossReport: Equatable, Sendable {
    /// When the interrupted writes began (Unix seconds; 0: unknown).
    public var interruptedSince: Int64 = 0
    /// The hours the interrupted run(s) had changed since the rings were
    /// last synced: their values may be missing, so they must be ingested
    /// again (`haze ingest` of the same files, or `haze rebuild` from raw/).
    package var hours = StepRanges()
    /// False when `hours` had to be widened to fit the journal (a few hours
    /// between two lost ranges named with them).
    public var hoursExact = true
    /// Days outside the hourly window whose daily values lost what the
    /// interrupted run(s) added (they can only come back by `haze rebuild`).
    package var days = StepRanges()
    /// Rows found torn and cleared (they were empty before the run).
    public var clearedRows = 0
    /// Rows found torn and put back as they were at the last sync (the journal's copy).
    public var restoredRows = 0
    /// Rows the run had changed that were intact on disk, kept as they are
    /// (they may hold some of its values, not necessarily all).
    public var keptRows = 0
    /// True when the rings of a store the interrupted run had created could
    /// not be read and were made again, empty.
    public var recreated = false

    /// An empty report: nothing lost, nothing to re-ingest.
    public init() {}

    /// How many hours must be ingested again.
    public var hourCount: Int { hours.count }

    /// The hours to ingest again, as first and last hour of each range.
    public var hourRanges: [ClosedRange<Hour>] { hours.ranges.map { Hour($0.lowerBound) ... Hour($0.upperBound) } }

    /// The days to rebuild from raw/, as first and last day of each range.
    public var dayRanges: [ClosedRange<Day>] { days.ranges.map { Day($0.lowerBound) ... Day($0.upperBound) } }

    /// The report in words, hours in `zone`: what happened, what was done, what to do.
    public func lines(zone: LocalZone) -> [String] {
        var lines: [String] = []
        let since = interruptedSince > 0
            ? " (writing since " + ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(interruptedSince))) + ")"
            : ""
        lines.append("the machine lost power or crashed while a run was writing the store\(since); what it had not yet synced was checked row by row"
                     + (recreated ? "; the rings it had created could not be read and were made again, empty" : "")
                     + ": \(clearedRows) torn row(s) cleared, \(restoredRows) put back as they were at the last sync, \(keptRows) intact and kept")
        if !hours.isEmpty {
            let spans = hourRanges.map { $0.lowerBound == $0.upperBound ? zone.format($0.lowerBound)
                                                                          : zone.format($0.lowerBound) + " … " + zone.format($0.upperBound) }
            lines.append("\(hourCount) hour(s) may lack values of that run and must be ingested again"
                         + (hoursExact ? "" : " (among them a few hours between the ranges named)")
                         + ": " + spans.joined(separator: ", ")
                         + " — run the same `haze ingest` (or `haze pull --since`) again, or `haze rebuild` if raw/ holds them")
        }
        if !days.isEmpty {
            let spans = dayRanges.map { $0.lowerBound == $0.upperBound ? $0.lowerBound.description
                                                                         : "\($0.lowerBound) … \($0.upperBound)" }
            lines.append("daily values of \(days.count) day(s) outside the hourly window lost what that run added: "
                         + spans.joined(separator: ", ") + " — `haze rebuild` restores them from raw/")
        }
        return lines
    }
}
