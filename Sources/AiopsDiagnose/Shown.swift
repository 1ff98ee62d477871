import AiopsCore

extension String {
    /// This text with control characters, invalid bytes and bidirectional overrides escaped: for
    /// text that came from a unit file, a configuration file or a path (anyone who can write
    /// them can put escape sequences in) before it goes into evidence shown on a terminal.
    var shown: String { UntrustedText(stringLiteral: self).terminalSafe }
}
