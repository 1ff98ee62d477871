import AiopsCore
import Testing

@Suite("AiopsError and exit codes")
struct AiopsErrorTests {
    @Test("exit codes are the documented, stable numbers")
    func exitCodes() {
        #expect(AiopsExitCode.success.rawValue == 0)
        #expect(AiopsExitCode.failure.rawValue == 1)
        #expect(AiopsExitCode.usage.rawValue == 2)
        #expect(AiopsExitCode.noSuchTarget.rawValue == 66)
        #expect(AiopsExitCode.unavailable.rawValue == 69)
        #expect(AiopsExitCode.software.rawValue == 70)
        #expect(AiopsExitCode.ioError.rawValue == 74)
        #expect(AiopsExitCode.noPermission.rawValue == 77)
    }

    @Test("the description is the message, plus the hint on its own line")
    func description() {
        let plain = AiopsError(.usage, "--duration must be greater than zero")
        #expect(plain.description == "--duration must be greater than zero")
        #expect(plain.hint == nil)
        let hinted = AiopsError(.noPermission, "tracing needs root", hint: "run with sudo")
        #expect(hinted.description == "tracing needs root\n  hint: run with sudo")
        #expect(hinted.exitCode == .noPermission)
    }
}
