/// libFuzzer target: OpenAQ v3 JSON pages (and so the JSON decoder).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOpenAQ(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let page = OpenAQParser(station: "OAQ-1").parse(FuzzFixture.bytes(start, count), context: FuzzFixture.context())
    for reading in page.batch.readings { precondition(Int(reading.value) <= HourlyRing.maximumValue) }
    return 0
}
