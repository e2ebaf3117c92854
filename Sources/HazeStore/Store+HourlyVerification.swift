import Dispatch
import HazeModel
import Synchronization

extension Store {
    /// Checks the hourly rows of `hours` that the window holds against their
    /// checksums, once per opened store: a read by the hour — a query, an
    /// export, a chart — never shows a damaged row's values (found in review:
    /// a flipped bit that left a value in range, 113 → 112 µg/m³, was shown
    /// and exported as data; only reads by the day were checked). The rows not
    /// checked yet are checked on both cores (a row's check only reads the
    /// mapped file); the first damaged hour, in time order, is thrown.
    package func verifyHourlyRows(_ hours: Range<Hour>) throws(StoreError) {
        guard let window = hourly.presentHours, !hours.isEmpty else { return }
        let first = max(hours.lowerBound, window.lowerBound), end = min(hours.upperBound, window.upperBound.advanced(by: 1))
        guard first < end else { return }
        let pending = (first ..< end).filter { !verifiedHours.contains($0.index) }
        guard !pending.isEmpty else { return }
        // Read-only on the other core: `verify` reads the mapped rows and the
        // directory through the ring's fixed geometry, and nothing writes the
        // ring while this store's one thread waits here.
        nonisolated(unsafe) let ring = hourly.ring
        let codes = pollutantCodes
        let verdicts = Mutex([RowVerdict?](repeating: nil, count: pending.count))
        // A few rows per piece of work: a lock per row would cost more than a small row's check.
        let chunk = 16
        DispatchQueue.concurrentPerform(iterations: (pending.count + chunk - 1) / chunk) { piece in
            let range = piece * chunk ..< min(pending.count, (piece + 1) * chunk)
            let found = range.map { ring.verify(pending[$0], pollutantCodes: codes) }
            verdicts.withLock { all in for (k, verdict) in zip(range, found) { all[k] = verdict } }
        }
        let found = verdicts.withLock { $0 }
        for (k, hour) in pending.enumerated() {
            if case .damaged(let why) = found[k] ?? ring.verify(hour, pollutantCodes: codes) {
                throw .corrupt(path: hourlyPath,
                               detail: "the hourly row of \(zone.format(hour)) is damaged (\(why)); run `haze check --repair`")
            }
            verifiedHours.insert(hour.index)
        }
    }
}
