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
