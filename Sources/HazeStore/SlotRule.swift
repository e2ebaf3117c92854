/// The values a ring's slot may hold: a raw slot outside them is damage.
/// A ring's step type names its rule (`RingStep.Slots`).
package protocol SlotRule {
    /// Whether `raw` is a slot value the ring can hold for a series of pollutant `code` (0: no series).
    static func isValidRaw(_ raw: UInt64, code: UInt8) -> Bool
    /// The same, with `HourlyRing.maximumValue` given: a global read in a loop
    /// over 150 000 slots is a call per slot (its lazy initialisation's check).
    static func isValidRaw(_ raw: UInt64, code: UInt8, maximum: UInt64) -> Bool
}

extension HourlyRing: SlotRule {}
extension DailyRing: SlotRule {}
