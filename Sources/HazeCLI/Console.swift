#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// Where a command writes: data to `out`, messages to `err`.
///
/// The executable writes to the process's stdout and stderr; tests capture
/// both to check what a user would read. A write to stdout that fails (a
/// file-size limit, a full disk, a closed pipe when SIGPIPE is ignored) is
/// kept, not trapped on: nothing more is written there, and `HazeCLI.run`
/// says so and exits non-zero (found in review: Foundation's
/// `FileHandle.write` trapped, SIGILL, when stdout went over `ulimit -f`).
public final class Console: Sendable {
    /// Each writes a text whole and returns the errno of a failed write, nil when written.
    private let writeOut: @Sendable (String) -> Int32?
    private let writeErr: @Sendable (String) -> Int32?
    /// True when stderr is a terminal: progress output is shown only then.
    package let errIsTerminal: Bool
    private let captured = Mutex<(out: String, err: String)>(("", ""))
    private let captures: Bool
    /// The errno of the first write to `out` that failed; nothing is written there after it.
    private let outFailure = Mutex<Int32?>(nil)

    package init(out: @escaping @Sendable (String) -> Int32?, err: @escaping @Sendable (String) -> Int32?,
                 errIsTerminal: Bool = false) {
        self.writeOut = out
        self.writeErr = err
        self.errIsTerminal = errIsTerminal
        self.captures = false
    }

    private init(capturing: Void) {
        self.writeOut = { _ in nil }
        self.writeErr = { _ in nil }
        self.errIsTerminal = false
        self.captures = true
    }

    /// The process's stdout and stderr.
    public static func standard() -> Console {
        Console(out: { text in write(text, to: STDOUT_FILENO) },
                err: { text in write(text, to: STDERR_FILENO) },
                errIsTerminal: isatty(2) == 1)
    }

    /// Writes all of `text` to `descriptor`; the errno of a failed write, or nil.
    static func write(_ text: String, to descriptor: Int32) -> Int32? {
        var text = text
        return text.withUTF8 { bytes -> Int32? in
            guard let base = bytes.baseAddress else { return nil }
            var written = 0
            while written < bytes.count {
                let n = Glibc.write(descriptor, base + written, bytes.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if n == 0 { return EIO }
                written += n
            }
            return nil
        }
    }

    /// A console that keeps everything written, for tests.
    package static func capturing() -> Console { Console(capturing: ()) }

    package func out(_ text: String) {
        if captures {
            captured.withLock { $0.out += text }
            return
        }
        // Under the lock: writes from several threads stay whole and in order.
        outFailure.withLock { failure in
            guard failure == nil else { return }
            failure = writeOut(text)
        }
    }

    package func err(_ text: String) {
        if captures {
            captured.withLock { $0.err += text }
            return
        }
        // A failed write to stderr cannot be reported anywhere; it never traps.
        _ = writeErr(text)
    }

    /// A line on stdout.
    package func print(_ line: String) { out(line.hasSuffix("\n") ? line : line + "\n") }

    /// A line on stderr.
    package func note(_ line: String) { err(line.hasSuffix("\n") ? line : line + "\n") }

    package var output: String { captured.withLock { $0.out } }
    package var errors: String { captured.withLock { $0.err } }

    /// The errno of the write to stdout that failed, nil when all was written.
    package var outputFailure: Int32? { outFailure.withLock { $0 } }

    /// What to tell the user when stdout could not be written.
    static func outputFailureMessage(_ code: Int32) -> String {
        let hint = switch code {
        case EFBIG: " — over this process's file-size limit (ulimit -f)"
        case ENOSPC, EDQUOT: " — the disk is full"
        case EPIPE: " — whatever was reading it stopped"
        case EIO: " — the device reported an I/O error"
        default: ""
        }
        return "haze: error: writing standard output failed: \(String(cString: strerror(code)))\(hint); the output is incomplete"
    }
}
