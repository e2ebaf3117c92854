import HazeStore

/// Exit statuses, following sysexits(3) where one fits. `haze alert` uses
/// 0/1/2 for none/warning/critical so cron and monitoring can act on them.
package enum ExitCode: Int32, Sendable {
    case success = 0
    case warning = 1
    case critical = 2
    case usage = 64
    case dataError = 65
    case noInput = 66
    case unavailable = 69
    case software = 70
    case ioError = 74
    case temporaryFailure = 75
}

extension ExitCode {
    /// A store's refusal as an exit status: a store another writer holds or
    /// keeps changing is a temporary failure (75, run again later), not bad
    /// data (65), so cron wrappers retry instead of paging about damage.
    init(for error: StoreError) {
        switch error {
        case .notFound: self = .noInput
        case .locked, .busy: self = .temporaryFailure
        case .system: self = .ioError
        default: self = .dataError
        }
    }
}
