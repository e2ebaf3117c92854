import HazeModel
import HazeStore
import HazeAssessment

/// `--from` and `--to` as the user gave them, either possibly absent. The
/// order is checked at once (before the store is opened), and again once the
/// store has filled in what was left out: a lone `--from` after the newest
/// day is as wrong as `--from` after `--to`.
struct GivenDates {
    let from: CivilDate?
    let to: CivilDate?
    /// The command as the user typed it (`haze query`), for the messages.
    let command: String

    init(_ arguments: ParsedArguments, command: String) throws(UsageError) {
        from = try arguments.date("--from")
        to = try arguments.date("--to")
        self.command = command
        if let from, let to, from > to { throw Self.outOfOrder(command, from, to) }
    }

    /// The dates to use: `--to` defaulting to the store's newest local day,
    /// `--from` to `defaultFrom(to)`.
    func resolved(in store: Store, defaultFrom: (CivilDate) -> CivilDate) throws -> (from: CivilDate, to: CivilDate) {
        guard let newest = store.newestHour else {
            throw QueryError.noData("the store at \(store.directory) is empty; ingest data first")
        }
        let last = to ?? store.zone.day(of: newest).date
        let first = from ?? defaultFrom(last)
        guard first <= last else { throw Self.outOfOrder(command, first, last) }
        return (first, last)
    }

    private static func outOfOrder(_ command: String, _ from: CivilDate, _ to: CivilDate) -> UsageError {
        .conflict("\(command): --from \(from) is after --to \(to)")
    }
}
