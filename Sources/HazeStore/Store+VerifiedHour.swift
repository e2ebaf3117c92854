import HazeModel

extension Store {
    /// An hour's row after checking it against its checksum, with that
    /// checksum (the row's `RowHash`), which changes whenever a value of the
    /// row does: an exporter keeps it to send only the hours that changed
    /// since its last run. Nil outside the hourly window; hash 0 for an
    /// empty row. Throws for a damaged row (never exports it).
    /// The checksum an hour's row records, unverified (0: empty, nil: outside
    /// the window or a damaged entry) — cheap, for planning; what is sent
    /// goes through `verifiedHour`.
    package func recordedHash(_ hour: Hour) -> UInt64? {
        guard let window = hourlyWindow, window.contains(hour), let entry = hourly.ring.entry(hour) else { return nil }
        return entry.isEmpty ? 0 : entry.hash
    }

    package func verifiedHour(_ hour: Hour) throws(StoreError) -> (hash: UInt64, row: HourRow)? {
        guard let window = hourlyWindow, window.contains(hour), let row = row(at: hour) else { return nil }
        // The entry is read before the verdict and the values: a writer
        // changing the row meanwhile leaves an old hash, so the next export
        // sends the hour again rather than missing the change.
        let entry = hourly.ring.entry(hour)
        switch hourly.ring.verify(hour, pollutantCodes: pollutantCodes) {
        case .empty: return (0, row)
        case .intact: return (entry?.hash ?? 0, row)
        case .damaged(let why):
            throw .corrupt(path: directory + "/" + Self.hourlyFileName,
                           detail: "the row of \(zone.format(hour)) is damaged (\(why)); run `haze check --repair`")
        }
    }
}
