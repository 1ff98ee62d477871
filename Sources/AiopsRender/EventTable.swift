import AiopsCore

/// One event as one line of the `aiops trace` table. Every untrusted string goes through
/// `terminalSafe`, so no byte a terminal interprets reaches it.
public struct EventTableRenderer {
    private var time: TimeText
    private let style: TerminalStyle

    public init(clock: WallClock, style: TerminalStyle) {
        self.time = TimeText(clock: clock)
        self.style = style
    }

    public static let header =
        "TIME         EVENT  " + "PID".leftPadded(7) + " " + "PPID".leftPadded(7)
        + "  COMM             DETAILS"

    public func headerLine() -> String { style.paint(Self.header, .bold) }

    public mutating func line(_ event: LifecycleEvent) -> String {
        let ppid = event.process.ppid.map(String.init) ?? "?"
        let comm = event.process.comm.terminalSafe
        let paddedComm = comm.count >= 16 ? comm : comm + String(repeating: " ", count: 16 - comm.count)
        let (label, details) = describe(event)
        return "\(time.localClock(event.time)) \(label) \(String(event.process.pid).leftPadded(7)) "
            + "\(ppid.leftPadded(7))  \(paddedComm) \(details)"
    }

    private func describe(_ event: LifecycleEvent) -> (String, String) {
        switch event.payload {
        case .exec(let exec):
            var text = exec.argv.isEmpty ? exec.filename.terminalSafe : Self.commandLine(exec.argv)
            if exec.argvMissing { text = exec.filename.terminalSafe + " (argv unavailable)" }
            if exec.argvTruncated { text += " …(truncated)" }
            return (style.paint("exec  ", .green), text)

        case .fork(let fork):
            let text = fork.isThread ? "thread \(fork.childTID)" : "child \(fork.childPID)"
            return (style.paint("fork  ", .dim), text)

        case .exit(let exit):
            return describeExit(exit, age: event.ageSeconds)

        case .signal(let signal):
            var text =
                "\(SignalName.of(signal.signal)) → \(signal.targetPID) (\(signal.targetComm.terminalSafe)) "
                + SignalCode.name(signal.code, signal: signal.signal)
            if signal.result != 0 { text += " [\(SignalResult.name(signal.result))]" }
            return (style.paint("signal", .yellow), text)
        }
    }

    private func describeExit(_ exit: ExitDetails, age: Double?) -> (String, String) {
        guard let status = exit.status else {
            var text = "exited, status unknown"
            if let age { text += " after \(DurationText.format(seconds: age))" }
            if let argv = exit.argv, !argv.isEmpty { text += ": " + Self.commandLine(argv) }
            return ("exit  ", text)
        }
        var text = status.summary
        if let meaning = status.meaning { text += " (\(meaning))" }
        if let age { text += " after \(DurationText.format(seconds: age))" }
        if let killer = exit.killer {
            text +=
                killer.sentByKernel
                ? ", sent by the kernel" : ", sent by \(killer.senderPID) (\(killer.senderComm.terminalSafe))"
        }
        if let argv = exit.argv, !argv.isEmpty { text += ": " + Self.commandLine(argv) }
        let tone: TerminalStyle.Tone = status.signal != nil ? .boldRed : (status.isAbnormal ? .red : .dim)
        return (style.paint("exit  ", tone), status.isAbnormal ? style.paint(text, tone) : text)
    }

    /// Arguments joined as a shell would need them: quoted when they hold spaces or quotes.
    static func commandLine(_ argv: [UntrustedText]) -> String {
        argv.map { argument in
            let text = argument.terminalSafe
            let plain =
                !text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%^".contains($0) }
            return plain ? text : "'" + text.replacingAll("'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }

    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
