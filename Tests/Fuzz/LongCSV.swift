/// libFuzzer target: the long CSV parser (quoted fields, ISO times).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLongCSV(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let batch = LongCSVParser().parse(FuzzFixture.bytes(start, count), context: FuzzFixture.context(.store))
    for reading in batch.readings {
        precondition(Int(reading.value) <= HourlyRing.maximumValue && Int(reading.key) < batch.keys.count)
    }
    return 0
}
