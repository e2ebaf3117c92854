import HazeModel

/// One step of a time axis: an hour, a day or a month, with the local date
/// it falls on (for ticks) and its label in the data (`2019-01-12T08:00+08:00`,
/// `2019-01-12`, `2019-01`).
struct TimeSlot: Sendable, Equatable {
    var date: CivilDate
    /// 0–23 for an hourly slot.
    var hourOfDay: Int?
    var isMonth: Bool
    var label: String
}

/// The x axis of a time chart: slots spread evenly across the plot, each
/// value drawn at its slot's centre, and ticks chosen so that their labels
/// never touch at the width the chart is laid out for.
struct TimeAxis {
    var slots: [TimeSlot]
    var left: Double
    var right: Double

    var slotWidth: Double { slots.isEmpty ? 0 : (right - left) / Double(slots.count) }

    func x(_ index: Int) -> Double { left + (Double(index) + 0.5) * slotWidth }

    struct Tick { var index: Int; var label: String }

    private struct Candidate {
        var take: (TimeSlot, Int) -> Bool
        var label: (TimeSlot) -> String
    }

    static func monthDay(_ d: CivilDate) -> String { "\(CivilDate.pad(d.month, 2))-\(CivilDate.pad(d.day, 2))" }
    static func yearMonth(_ d: CivilDate) -> String { "\(d.year)-\(CivilDate.pad(d.month, 2))" }

    /// Ticks whose labels keep at least 8 px apart at `fontSize`.
    func ticks(fontSize: Double) -> [Tick] {
        guard let first = slots.first else { return [] }
        let hourly = first.hourOfDay != nil
        let monthly = first.isMonth
        var candidates: [Candidate] = []
        let dayStart: (TimeSlot) -> Bool = { $0.hourOfDay == nil || $0.hourOfDay == 0 }
        if hourly {
            for k in [3, 6, 12] {
                candidates.append(Candidate(take: { s, _ in (s.hourOfDay ?? 0) % k == 0 },
                                            label: { s in s.hourOfDay == 0 ? Self.monthDay(s.date) : "\(CivilDate.pad(s.hourOfDay ?? 0, 2)):00" }))
            }
        }
        if !monthly {
            for k in [1, 2, 7, 14] {
                candidates.append(Candidate(take: { s, _ in dayStart(s) && (Day(s.date).index - Day(first.date).index) % k == 0 },
                                            label: { Self.monthDay($0.date) }))
            }
            candidates.append(Candidate(take: { s, _ in dayStart(s) && s.date.day == 1 }, label: { Self.monthDay($0.date) }))
        }
        for k in [1, 2, 3, 6] {
            candidates.append(Candidate(take: { s, _ in dayStart(s) && s.date.day == 1 && (s.date.month - 1) % k == 0 },
                                        label: { Self.yearMonth($0.date) }))
        }
        candidates.append(Candidate(take: { s, _ in dayStart(s) && s.date.day == 1 && s.date.month == 1 },
                                    label: { String($0.date.year) }))
        for candidate in candidates {
            let chosen = slots.indices.filter { candidate.take(slots[$0], $0) }
            guard !chosen.isEmpty else { continue }
            let ticks = chosen.map { Tick(index: $0, label: candidate.label(slots[$0])) }
            let widest = ticks.map { TextMeasure.width($0.label, fontSize: fontSize) }.max() ?? 0
            let spacing = zip(ticks, ticks.dropFirst()).map { x($1.index) - x($0.index) }.min() ?? .infinity
            if spacing >= widest + 8 { return ticks }
        }
        // Nothing fits (a very long period on a narrow chart): the first and last slot.
        let last = slots.count - 1
        let label: (TimeSlot) -> String = { monthly ? Self.yearMonth($0.date) : Self.monthDay($0.date) }
        return last > 0 ? [Tick(index: 0, label: label(slots[0])), Tick(index: last, label: label(slots[last]))]
                        : [Tick(index: 0, label: label(slots[0]))]
    }
}
