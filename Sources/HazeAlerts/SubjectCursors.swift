/// How far each subject has been evaluated on one timeline: the last hour
/// (hours since 1970-01-01T00:00Z) per subject state key.
///
/// Stored compactly: `all` is the cursor of every subject not listed in
/// `subjects`. After an unfiltered run every subject is at the same hour and
/// `subjects` is empty; a filtered run (`--city 北京`) lists the subjects it
/// moved. A subject with no cursor (nil) has never been evaluated: its first
/// run evaluates only the hour it runs for.
package struct SubjectCursors: Sendable, Codable, Equatable {
    package var all: Int?
    package var subjects: [String: Int]

    package init(all: Int? = nil, subjects: [String: Int] = [:]) {
        self.all = all
        self.subjects = subjects
    }

    /// The last hour evaluated for a subject (by `AlertSubject.stateKey`).
    package func cursor(of key: String) -> Int? { subjects[key] ?? all }

    /// The newest cursor of any subject.
    package var newest: Int? { ([all].compactMap { $0 } + subjects.values).max() }

    /// Moves the subjects `covered` by a run to `cursors[key]`. An unfiltered
    /// run (`complete`) covers every subject there is: the most common hour
    /// becomes `all` and subjects no longer watched are forgotten; a filtered
    /// run leaves every other subject as it was.
    mutating func advance(_ covered: [String: Int], complete: Bool) {
        if complete {
            var counts: [Int: Int] = [:]
            for value in covered.values { counts[value, default: 0] += 1 }
            let common = counts.max { a, b in a.value != b.value ? a.value < b.value : a.key < b.key }?.key
            all = common ?? all
            subjects = covered.filter { $0.value != common }
        } else {
            for (key, value) in covered {
                subjects[key] = value == all ? nil : value
            }
        }
    }
}
