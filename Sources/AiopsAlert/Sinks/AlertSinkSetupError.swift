/// A sink that cannot be set up from what it was given: a webhook URL that is not one, an empty
/// alert command. It says what is wrong; the CLI decides it is a usage error and how to say so.
public struct AlertSinkSetupError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
