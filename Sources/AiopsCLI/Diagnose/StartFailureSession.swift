import AiopsCore
import AiopsDiagnose
import AiopsPlatform
import AiopsRender

#if canImport(Glibc)
    import Glibc
#endif

/// One `aiops diagnose start-failure` run: diagnose, then print the report or the JSON object.
struct StartFailureSession {
    let unit: String
    let json: Bool

    func run() throws(AiopsError) {
        let diagnosis = try StartFailureDiagnoser().diagnose(unit: unit)
        signal(SIGPIPE, SIG_IGN)  // `| head` closes the pipe: EPIPE, handled by the sink
        let output = OutputSink(fd: 1)
        let clock = WallClock.measure()
        if json {
            output.write(StartFailureJSON.encode(diagnosis, clock: clock))
            output.write([10])
        } else {
            let style = TerminalStyle.detect(for: output)
            for line in StartFailurePanel.panel(diagnosis, clock: clock).render(style: style) {
                output.writeLine(line)
            }
            output.writeLine("")
            output.writeLine(style.paint("⚡ Quick fix:", .bold))
            output.writeLine(StartFailurePanel.plain(diagnosis.plan.quickFix))
        }
        output.flush()
        // `| head` closing the pipe is the reader's choice; any other write failure is an error.
        if case .writeFailed(let error) = output.failure {
            throw AiopsError(.failure, "writing the report failed: \(ErrnoText.message(error))")
        }
    }
}

/// Journal times (Unix microseconds) on the boot clock the report helpers format.
func bootInstant(unixMicroseconds: Int64, clock: WallClock) -> BootInstant {
    let nanoseconds = unixMicroseconds &* 1000 &- clock.offsetNanoseconds
    return BootInstant(nanoseconds: UInt64(max(nanoseconds, 0)))
}
