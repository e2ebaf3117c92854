/// libFuzzer target: the CNEMC wide CSV parser must never crash, and what it
/// accepts must be in range.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWideCSV(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let batch = CNEMCWideParser().parse(FuzzFixture.bytes(start, count), context: FuzzFixture.context())
    for reading in batch.readings {
        precondition(Int(reading.value) <= HourlyRing.maximumValue && Int(reading.key) < batch.keys.count)
    }
    return 0
}
