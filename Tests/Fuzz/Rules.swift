/// libFuzzer target: the alert rule loader must refuse bad files with an
/// error, never crash; a file it accepts must give rules with levels.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRules(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    if let set = try? RuleSet.parse(data: FuzzFixture.bytes(start, count), file: "fuzz.json") {
        for rule in set.rules { precondition(!rule.levels.isEmpty && rule.cooldownHours >= 1) }
    }
    return 0
}
