import AiopsCore

/// A command line for people: arguments escaped for the terminal and quoted as a shell would
/// need them, exactly as the trace table shows them ("sh -c 'exit 3'").
public func commandLineText(_ argv: [UntrustedText]) -> String {
    EventTableRenderer.commandLine(argv)
}
