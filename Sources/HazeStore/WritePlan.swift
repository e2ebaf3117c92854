import HazeModel

/// What one write changes, for its journal record.
struct WritePlan {
    /// The newest hour after the write (nil: no write, only the record).
    var newest: Hour?
    /// Hours whose rows change.
    var hours = StepRanges()
    /// Days whose daily rows are rolled up again.
    var days = StepRanges()
    /// Rows holding data that change and have no copy in the journal yet.
    var imageHours: [Hour] = []
    var imageDays: [Day] = []
}
