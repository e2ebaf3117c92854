import HazeModel

/// Minute readings of a file (micro-sensors, analysers reporting every
/// minute) gathered into the hours the store keeps, by GB 3095-2012 Table 4:
/// an hourly mean needs at least 45 minutes of data in the hour.
///
/// A minute belongs to the hour whose period holds it, labelled by the hour's
/// end as CNEMC labels its hours: 00:01 … 01:00 make the hour 01:00. The mean
/// is of the minute values as written (not of rounded ones), rounded half to
/// even to the stored unit. Minutes of one hour must come in one file.
struct MinuteHours {
    /// GB 3095-2012 Table 4: valid minutes an hourly mean needs.
    static let minutesNeeded = 45

    private struct Bucket {
        var minutes: UInt64 = 0 // bit m: minute m of the hour given
        var count = 0
        var sum = 0.0
        var firstLine = Int.max
    }

    private struct Slot: Hashable {
        var key: Int32
        var hour: Int
    }

    private var buckets: [Slot: Bucket] = [:]
    private var lineOfMinute: [Slot: [Int: Int]] = [:]

    /// What `close` made of the minutes.
    struct Summary: Equatable {
        /// Hours with enough minutes, stored as hourly means.
        var hoursFormed = 0
        /// Hours with fewer than 45 minutes: not stored (missing).
        var hoursTooShort = 0
        /// Minute values in the hours too short (read, not stored).
        var minutesInShortHours = 0
    }

    /// The series that have minute readings.
    var keys: Set<Int32> { Set(buckets.keys.map(\.key)) }

    /// The hour label (its end) of the minute `index` (minutes since the epoch).
    static func hour(ofMinute index: Int) -> Hour {
        Hour(index >= 0 ? (index + 59) / 60 : -((-index) / 60))
    }

    /// Adds one minute's value. Returns the line of the earlier reading when
    /// the minute was already given (the caller refuses the row).
    mutating func add(key: Int32, minute index: Int, value: Double, line: Int) -> Int? {
        let hour = Self.hour(ofMinute: index)
        // Minute 1…60 of the hour ending at `hour` as bit 0…59.
        let bit = index - (hour.index * 60 - 60) - 1
        let slot = Slot(key: key, hour: hour.index)
        var bucket = buckets[slot] ?? Bucket()
        if bucket.minutes & (1 << UInt64(bit)) != 0 {
            return lineOfMinute[slot]?[bit]
        }
        bucket.minutes |= 1 << UInt64(bit)
        bucket.count += 1
        bucket.sum += value
        bucket.firstLine = min(bucket.firstLine, line)
        buckets[slot] = bucket
        lineOfMinute[slot, default: [:]][bit] = line
        return nil
    }

    /// The hours with enough minutes, appended to `batch` as hourly readings
    /// (the mean rounded to the stored unit of each series' pollutant); the
    /// rest counted.
    func close(into batch: inout ParsedBatch) -> Summary {
        var summary = Summary()
        for (slot, bucket) in buckets.sorted(by: { ($0.key.key, $0.key.hour) < ($1.key.key, $1.key.hour) }) {
            guard bucket.count >= Self.minutesNeeded else {
                summary.hoursTooShort += 1
                summary.minutesInShortHours += bucket.count
                continue
            }
            let pollutant = batch.keys[Int(slot.key)].pollutant
            guard case .success(let stored) = ExternalNumber.concentration(bucket.sum / Double(bucket.count), of: pollutant) else {
                continue // each minute was already in range, so their mean is too
            }
            batch.append(key: slot.key, hour: Hour(slot.hour), value: stored, line: bucket.firstLine)
            summary.hoursFormed += 1
        }
        return summary
    }
}
