// The libFuzzer entry point: HAZE_FUZZ_TARGET (wide, long, openaq, rules, numbers, calendar)
// picks which FuzzTarget one binary exercises, so run.sh builds once.
import Glibc

private let target: FuzzTarget = {
    guard let name = getenv("HAZE_FUZZ_TARGET").map({ String(cString: $0) }), let target = FuzzTarget(rawValue: name) else {
        fatalError("set HAZE_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let violations = target.violations(Array(UnsafeRawBufferPointer(start: start, count: count)))
    precondition(violations.isEmpty, violations.joined(separator: "; "))
    return 0
}
