import AiopsCore

/// One event as one line of the `aiops trace` table. Every untrusted string goes through the
/// terminal escaping of `UntrustedText`, so no byte a terminal interprets reaches it. Lines are
/// built as bytes straight into the output buffer: this runs for every event of a storm.
public struct EventTableRenderer {
    private var time: TimeText
    private let style: TerminalStyle

    public init(clock: WallClock, style: TerminalStyle) {
        self.time = TimeText(clock: clock)
        self.style = style
    }

    public static let header =
        "TIME         EVENT      PID    PPID  COMM             DETAILS"

    public func headerLine() -> String { style.paint(Self.header, .bold) }

    /// The line for `event`, without a newline.
    public mutating func line(_ event: LifecycleEvent) -> String {
        var bytes: [UInt8] = []
        appendLine(event, to: &bytes)
        bytes.removeLast()
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the line for `event` and a newline.
    public mutating func appendLine(_ event: LifecycleEvent, to output: inout [UInt8]) {
        time.appendLocalClock(event.time, to: &output)
        output.append(UInt8(ascii: " "))
        appendLabel(event, to: &output)
        output.append(UInt8(ascii: " "))
        output.appendDecimal(event.process.pid, padLeftTo: 7)
        output.append(UInt8(ascii: " "))
        if let ppid = event.process.ppid {
            output.appendDecimal(ppid, padLeftTo: 7)
        } else {
            output.append("      ?")
        }
        output.append("  ")
        let commStart = output.count
        event.process.comm.appendTerminalSafe(to: &output)
        let columns = displayColumns(output[commStart...])
        if columns < 16 { output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 16 - columns)) }
        output.append(UInt8(ascii: " "))
        appendDetails(event, to: &output)
        output.append(10)
    }

    private func appendLabel(_ event: LifecycleEvent, to output: inout [UInt8]) {
        switch event.payload {
        case .exec: paint("exec  ", .green, to: &output)
        case .fork: paint("fork  ", .dim, to: &output)
        case .signal: paint("signal", .yellow, to: &output)
        case .exit(let exit):
            paint("exit  ", Self.tone(of: exit.status), to: &output)
        }
    }

    private func appendDetails(_ event: LifecycleEvent, to output: inout [UInt8]) {
        switch event.payload {
        case .exec(let exec):
            if exec.argvMissing || exec.argv.isEmpty {
                exec.filename.appendTerminalSafe(to: &output)
                if exec.filenameTruncated { output.append("…") }
                if exec.argvMissing { output.append(" (argv unavailable)") }
            } else {
                Self.appendCommandLine(exec.argv, to: &output)
            }
            if exec.argvTruncated { output.append(" …(truncated)") }

        case .fork(let fork):
            output.append(fork.isThread ? "thread " : "child ")
            output.appendDecimal(fork.isThread ? fork.childTID : fork.childPID)

        case .exit(let exit):
            appendExit(exit, age: event.ageSeconds, to: &output)

        case .signal(let signal):
            output.append(SignalName.of(signal.signal))
            output.append(" → ")
            output.appendDecimal(signal.targetPID)
            output.append(" (")
            signal.targetComm.appendTerminalSafe(to: &output)
            output.append(") ")
            output.append(SignalCode.name(signal.code, signal: signal.signal))
            if signal.sentByKernel { output.append(" by the kernel") }
            if signal.result != 0 {
                output.append(" [")
                output.append(SignalResult.name(signal.result))
                output.append("]")
            }
        }
    }

    private func appendExit(_ exit: ExitDetails, age: Double?, to output: inout [UInt8]) {
        let tone = Self.tone(of: exit.status)
        let abnormal = exit.status?.isAbnormal ?? false
        if abnormal && style.colors { output.append(contentsOf: style.start(tone)) }
        if let status = exit.status {
            output.append(status.summary)
            if let meaning = status.meaning {
                output.append(" (")
                output.append(meaning)
                output.append(")")
            }
        } else {
            output.append("exited, status unknown")
        }
        if let age {
            output.append(" after ")
            output.append(DurationText.format(seconds: age))
        }
        exit.killer?.appendSentBy(to: &output)
        if let argv = exit.argv, !argv.isEmpty {
            output.append(": ")
            Self.appendCommandLine(argv, to: &output)
        }
        if abnormal && style.colors { output.append(TerminalStyle.reset) }
    }

    private static func tone(of status: ExitStatus?) -> TerminalStyle.Tone {
        guard let status else { return .dim }
        return status.signal != nil ? .boldRed : (status.isAbnormal ? .red : .dim)
    }

    private func paint(_ text: StaticString, _ tone: TerminalStyle.Tone, to output: inout [UInt8]) {
        if style.colors { output.append(contentsOf: style.start(tone)) }
        output.append(text)
        if style.colors { output.append(TerminalStyle.reset) }
    }

    /// Arguments joined as a shell would need them: quoted when they hold anything but letters,
    /// digits and -_./=:,+@%^ (non-ASCII text is left as it is: it is already escaped).
    static func appendCommandLine(_ argv: [UntrustedText], to output: inout [UInt8]) {
        for (index, argument) in argv.enumerated() {
            if index > 0 { output.append(UInt8(ascii: " ")) }
            let start = output.count
            argument.appendTerminalSafe(to: &output)
            let written = output[start...]
            guard written.isEmpty || !written.allSatisfy(isPlainShellByte) else { continue }
            // Quote: '…' with each ' written as '\''.
            let text = Array(written)
            output.removeSubrange(start...)
            output.append(UInt8(ascii: "'"))
            for byte in text {
                if byte == UInt8(ascii: "'") { output.append("'\\''") } else { output.append(byte) }
            }
            output.append(UInt8(ascii: "'"))
        }
    }

    /// "a b" for tests and callers that want text.
    static func commandLine(_ argv: [UntrustedText]) -> String {
        var bytes: [UInt8] = []
        appendCommandLine(argv, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isPlainShellByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), 0x80...0xFF:
            return true
        default:
            return "-_./=:,+@%^".utf8.contains(byte)
        }
    }
}
