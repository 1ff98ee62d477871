import AiopsRender

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a one-shot report to stdout: the JSON object, or the panel (coloured on a terminal).
enum ReportOutput {
    static func write(json: Bool, encode: () -> [UInt8], panel: () -> ReportPanel) {
        signal(SIGPIPE, SIG_IGN)  // `| head` closes the pipe: EPIPE, handled by the sink
        let output = OutputSink(fd: 1)
        if json {
            output.write(encode())
            output.write([10])
        } else {
            let style = TerminalStyle.detect(for: output)
            for line in panel().render(style: style) { output.writeLine(line) }
        }
        output.flush()
    }
}
