import Foundation

/// Which boot of the machine this process runs in (`/proc/sys/kernel/random/boot_id`).
///
/// A writer stopped on the same boot left everything it wrote in the page
/// cache, which the kernel still writes to disk: the next writer finishes its
/// work from the rings as they are. A record left by another boot means the
/// machine lost power or crashed in between, and what was not synced may be
/// lost or torn on disk: the next writer verifies it instead (`WriteJournal`).
package enum BootIdentity {
    /// What the tests set to play "another boot" in-process (nil: the real one).
    @TaskLocal package static var simulated: String?

    /// The current boot's identity: the kernel's boot id (36 characters); if
    /// it cannot be read, the boot time from `/proc/stat`, else "unknown".
    package static var current: String {
        if let simulated { return simulated }
        return real
    }

    private static let real: String = {
        if let text = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8) {
            let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !id.isEmpty { return id }
        }
        if let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
           let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }) {
            return "btime-" + line.dropFirst(6)
        }
        return "unknown"
    }()
}
