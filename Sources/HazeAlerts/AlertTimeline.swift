/// The two clocks an alert run advances, each with its own cursor per subject.
///
/// Rules about the data (`threshold`, `rolling`, …) are evaluated for the
/// hours the store holds, up to its newest hour: data that arrives late is
/// still evaluated when it comes. `feed` rules are evaluated for the hours of
/// the wall clock ("now"), which runs on past the newest data when the feed
/// stops — that is how a stopped feed is noticed.
package enum AlertTimeline: String, Sendable, CaseIterable, Codable {
    case data, clock
}
