import AiopsCore
import ArgumentParser

#if canImport(Glibc)
    import Glibc
#endif

/// The entry point. Parses the command line and maps every failure to one message on stderr and
/// a documented exit code (README, "Exit codes"): usage errors exit 2, not ArgumentParser's 64.
public enum AiopsMain {
    public static func run() async -> Never {
        let stdoutWasClosed = reserveStandardDescriptors()
        let code: AiopsExitCode
        do {
            if stdoutWasClosed {
                throw AiopsError(.failure, "standard output is closed: there is nowhere to write the report")
            }
            var command = try AiopsCommand.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            code = .success
        } catch let error as AiopsError {
            printError(error.message, hint: error.hint)
            code = error.exitCode
        } catch {
            code = reportParserError(error)
        }
        exit(code.rawValue)
    }

    /// Opens /dev/null on any closed standard descriptor (0, 1, 2). Otherwise the next file aiops
    /// opens — a /proc file, a BPF map — would get that number, and the report would be written
    /// into it. Returns whether stdout was closed when aiops started. The Swift runtime's
    /// dispatch library creates an eventfd before `main`, which takes a closed fd 1: a standard
    /// descriptor that is an anonymous inode was closed at exec, since nothing passes one as output.
    private static func reserveStandardDescriptors() -> Bool {
        var stdoutClosed = false
        for fd: Int32 in 0...2 {
            if fcntl(fd, F_GETFD) == -1 && errno == EBADF {
                if fd == 1 { stdoutClosed = true }
                let null = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
                if null >= 0 && null != fd {
                    dup2(null, fd)
                    close(null)
                }
            } else if fd == 1 && isAnonymousInode(fd) {
                stdoutClosed = true
            }
        }
        return stdoutClosed
    }

    private static func isAnonymousInode(_ fd: Int32) -> Bool {
        var target = [CChar](repeating: 0, count: 64)
        let length = readlink("/proc/self/fd/\(fd)", &target, target.count - 1)
        guard length > 0 else { return false }
        return String(decoding: target.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self).hasPrefix(
            "anon_inode:")
    }

    private static func reportParserError(_ error: Error) -> AiopsExitCode {
        let parserCode = AiopsCommand.exitCode(for: error)
        let message = AiopsCommand.fullMessage(for: error)
        if parserCode == .success {  // --help, --version
            print(message)
            return .success
        }
        writeStandardError(message.hasSuffix("\n") ? message : message + "\n")
        if parserCode == .validationFailure { return .usage }
        return AiopsExitCode(rawValue: parserCode.rawValue) ?? .failure
    }
}

func printError(_ message: String, hint: String? = nil) {
    var text = "aiops: \(message)\n"
    if let hint { text += "  hint: \(hint)\n" }
    writeStandardError(text)
}

func writeStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBytes { raw in
        var offset = 0
        while offset < raw.count {
            let written = write(2, raw.baseAddress! + offset, raw.count - offset)
            if written <= 0 { return }
            offset += written
        }
    }
}

/// `aiops`: the root command.
struct AiopsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aiops",
        abstract: "Why a process died, why a service restarts, what a process is doing — from kernel truth.",
        discussion: """
            Exit codes: 0 success, 1 failure, 2 usage error, 66 no such target (PID, unit),
            69 not supported on this host, 70 internal error, 74 output could not be written,
            77 permission denied. A reader that closes the pipe early (| head) is not an error.
            """,
        version: "0.1.0",
        subcommands: [
            TraceCommand.self, CollectCommand.self, MonitorCommand.self, AnalyzeCommand.self,
            DiagnoseCommand.self,
            DoctorCommand.self,
        ]
    )
}
