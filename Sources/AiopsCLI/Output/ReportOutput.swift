import AiopsCore
import AiopsPlatform
import AiopsRender

#if canImport(Glibc)
    import Glibc
#endif

/// The one place a one-shot report (analyze, collect processes, diagnose, doctor) reaches stdout.
///
/// A reader that goes away (`aiops doctor | head -1`) ends the command quietly with exit 0, as
/// `aiops trace | head -1` does: the reader chose to stop. Any other write failure (ENOSPC from
/// `> /dev/full`, EIO) is an error — "writing the report failed: No space left on device" and
/// exit 74 (EX_IOERR) — because a report that silently lost its output must not look successful.
enum ReportOutput {
    /// The JSON object (one line), or the panel (coloured on a terminal).
    static func write(json: Bool, encode: () -> [UInt8], panel: () -> ReportPanel) throws(AiopsError) {
        if json {
            try writeJSON(encode())
        } else {
            try writeLines { style in panel().render(style: style) }
        }
    }

    /// One JSON document and a newline.
    static func writeJSON(_ bytes: [UInt8]) throws(AiopsError) {
        try write { output in
            output.write(bytes)
            output.write([10])
        }
    }

    /// Lines of text, given the style stdout takes (colours only on a terminal).
    static func writeLines(_ lines: (TerminalStyle) -> [String]) throws(AiopsError) {
        try write { output in
            for line in lines(TerminalStyle.detect(for: output)) { output.writeLine(line) }
        }
    }

    private static func write(_ fill: (OutputSink) -> Void) throws(AiopsError) {
        // Without this a closed pipe kills the process with SIGPIPE (exit 141); the sink turns
        // the EPIPE into `.readerGone` instead.
        signal(SIGPIPE, SIG_IGN)
        let output = OutputSink(fd: 1)
        fill(output)
        output.flush()
        if case .writeFailed(let error) = output.failure {
            throw AiopsError.writeFailed("the report", errno: error)
        }
    }
}

extension AiopsError {
    /// Output that could not be written for a reason other than the reader leaving.
    static func writeFailed(_ what: String, errno error: Int32) -> AiopsError {
        AiopsError(.ioError, "writing \(what) failed: \(ErrnoText.message(error))")
    }
}
