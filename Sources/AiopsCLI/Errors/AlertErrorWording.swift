import AiopsAlert
import AiopsCore

extension AiopsError {
    /// A webhook URL or alert command that cannot be used is a usage error (exit 2), whether it
    /// came from the command line or from the --config file.
    init(_ error: AlertSinkSetupError) {
        self.init(.usage, error.description)
    }
}
