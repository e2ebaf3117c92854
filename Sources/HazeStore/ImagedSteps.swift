/// The rows the journal's record of an epoch covers — copied once, as they
/// were when the rings were last synced, or known empty then — and whether
/// it holds the header pages.
struct ImagedSteps {
    var hours = Set<Int>()
    var days = Set<Int>()
    var headers = false

    init() {}

    /// What a journal's images of an epoch cover.
    init(_ images: [JournalImage]) {
        for image in images {
            switch image.kind {
            case .hourlyRow: hours.insert(image.step)
            case .dailyRow: days.insert(image.step)
            case .hourlyHeader, .dailyHeader: headers = true
            case .hourRanges: for range in image.ranges { hours.formUnion(range) }
            case .dayRanges: for range in image.ranges { days.formUnion(range) }
            }
        }
    }
}
