import Foundation
import Synchronization

/// Where a command writes: data to `out`, messages to `err`.
///
/// The executable writes to the process's stdout and stderr; tests capture
/// both to check what a user would read.
public final class Console: Sendable {
    private let writeOut: @Sendable (String) -> Void
    private let writeErr: @Sendable (String) -> Void
    /// True when stderr is a terminal: progress output is shown only then.
    package let errIsTerminal: Bool
    private let captured = Mutex<(out: String, err: String)>(("", ""))
    private let captures: Bool

    package init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void,
                errIsTerminal: Bool = false) {
        self.writeOut = out
        self.writeErr = err
        self.errIsTerminal = errIsTerminal
        self.captures = false
    }

    private init(capturing: Void) {
        self.writeOut = { _ in }
        self.writeErr = { _ in }
        self.errIsTerminal = false
        self.captures = true
    }

    /// The process's stdout and stderr.
    public static func standard() -> Console {
        Console(out: { text in FileHandle.standardOutput.write(Data(text.utf8)) },
                err: { text in FileHandle.standardError.write(Data(text.utf8)) },
                errIsTerminal: isatty(2) == 1)
    }

    /// A console that keeps everything written, for tests.
    package static func capturing() -> Console { Console(capturing: ()) }

    package func out(_ text: String) {
        if captures { captured.withLock { $0.out += text } } else { writeOut(text) }
    }

    package func err(_ text: String) {
        if captures { captured.withLock { $0.err += text } } else { writeErr(text) }
    }

    /// A line on stdout.
    package func print(_ line: String) { out(line.hasSuffix("\n") ? line : line + "\n") }

    /// A line on stderr.
    package func note(_ line: String) { err(line.hasSuffix("\n") ? line : line + "\n") }

    package var output: String { captured.withLock { $0.out } }
    package var errors: String { captured.withLock { $0.err } }
}
