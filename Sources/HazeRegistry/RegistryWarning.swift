/// Something in the registry that is loaded but looks wrong: printed on
/// stderr by every command that loads the registry, never silently ignored.
public struct RegistryWarning: Sendable, Equatable, CustomStringConvertible {
    /// `file:line`.
    public var source: String
    /// What looks wrong, for the user.
    public var message: String

    init(source: String, message: String) {
        self.source = source
        self.message = message
    }

    public var description: String { "\(source): \(message)" }
}
