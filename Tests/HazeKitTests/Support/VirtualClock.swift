import Foundation
import Synchronization
@testable import HazeModel
@testable import HazeAlerts

/// A clock for alert runs that never waits: `sleep` moves its time forward.
/// When given a loopback server, every move is written to the server's
/// `.now`, so the imitated robots count quotas and check signature
/// timestamps on the same clock as haze.
final class VirtualClock: Sendable {
    private let time: Mutex<Double>
    private let slept = Mutex<Double>(0)
    let serverRoot: String?

    init(_ start: Double, server: LoopbackServer? = nil) {
        time = Mutex(start)
        serverRoot = server?.root
        publish(start)
    }

    var now: Double { time.withLock { $0 } }
    /// Seconds waited in all (quotas, backoff).
    var waited: Double { slept.withLock { $0 } }

    func advance(_ seconds: Double) {
        let value = time.withLock { t -> Double in
            t += max(0, seconds)
            return t
        }
        publish(value)
    }

    func set(_ seconds: Double) {
        time.withLock { $0 = seconds }
        publish(seconds)
    }

    private func publish(_ value: Double) {
        guard let serverRoot else { return }
        try? String(value).write(toFile: serverRoot + "/.now", atomically: true, encoding: .utf8)
    }

    var clock: AlertClock {
        AlertClock({ Date(timeIntervalSince1970: self.now) }, sleep: { seconds in
            self.slept.withLock { $0 += max(0, seconds) }
            self.advance(seconds)
        })
    }
}
