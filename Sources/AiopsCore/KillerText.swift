/// The one wording of who sent the signal a process died of, for every report that says it
/// (the trace table, collect's exits, the monitor's alerts): ", sent by the kernel" or
/// ", sent by 1 (systemd)" — the pid first, as the trace table names every process.
extension Killer {
    public var sentByText: String {
        var bytes: [UInt8] = []
        appendSentBy(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The same, appended to a line being built (the sender's name made terminal-safe).
    public func appendSentBy(to output: inout [UInt8]) {
        if sentByKernel {
            output.append(contentsOf: ", sent by the kernel".utf8)
            return
        }
        output.append(contentsOf: ", sent by \(senderPID) (".utf8)
        senderComm.appendTerminalSafe(to: &output)
        output.append(UInt8(ascii: ")"))
    }
}
