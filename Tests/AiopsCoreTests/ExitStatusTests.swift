import AiopsCore
import Testing

@Suite("AiopsCore.ExitStatus")
struct ExitStatusTests {
    @Test("0x300: exited with code 3")
    func exited3() {
        let status = AiopsCore.ExitStatus(waitStatus: 0x300)
        #expect(status.exitCode == 3)
        #expect(status.signal == nil)
        #expect(!status.coreDumped)
        #expect(status.isAbnormal)
        #expect(status.summary == "exited 3")
        #expect(status == .exited(3))
    }

    @Test("0xb: killed by SIGSEGV, no core")
    func segvNoCore() {
        let status = AiopsCore.ExitStatus(waitStatus: 0xB)
        #expect(status.signal == 11)
        #expect(status.exitCode == nil)
        #expect(!status.coreDumped)
        #expect(status.isAbnormal)
        #expect(status.summary == "killed by SIGSEGV")
        #expect(status == .killed(by: 11))
    }

    @Test("0x8b: killed by SIGSEGV, core dumped")
    func segvCore() {
        let status = AiopsCore.ExitStatus(waitStatus: 0x8B)
        #expect(status.signal == 11)
        #expect(status.coreDumped)
        #expect(status.summary == "killed by SIGSEGV (core dumped)")
        #expect(status == .killed(by: 11, coreDumped: true))
        #expect(status.meaning == nil)
    }

    @Test("0xf and 0x9: SIGTERM and SIGKILL")
    func termAndKill() {
        #expect(AiopsCore.ExitStatus(waitStatus: 0xF).signal == 15)
        #expect(AiopsCore.ExitStatus(waitStatus: 0xF).summary == "killed by SIGTERM")
        #expect(AiopsCore.ExitStatus(waitStatus: 0x9).signal == 9)
        #expect(AiopsCore.ExitStatus(waitStatus: 0x9).summary == "killed by SIGKILL")
        #expect(AiopsCore.ExitStatus(waitStatus: 0x9).isAbnormal)
    }

    @Test("exit(0) is the only normal end")
    func cleanExit() {
        let status = AiopsCore.ExitStatus(waitStatus: 0)
        #expect(status.exitCode == 0)
        #expect(!status.isAbnormal)
        #expect(status.summary == "exited 0")
        #expect(status.meaning == nil)
        #expect(AiopsCore.ExitStatus.exited(255).exitCode == 255)
        #expect(AiopsCore.ExitStatus.exited(255).waitStatus == 0xFF00)
    }

    @Test("the core bit without a signal is not a core dump")
    func coreBitAlone() {
        let status = AiopsCore.ExitStatus(waitStatus: 0x80)
        #expect(status.signal == nil)
        #expect(!status.coreDumped)
    }

    @Test("killed(by:) keeps only the 7 signal bits")
    func killedMasks() {
        #expect(AiopsCore.ExitStatus.killed(by: 64).signal == 64)
        #expect(AiopsCore.ExitStatus.killed(by: 0x8B).waitStatus == 0x0B)
    }

    @Test(
        "exit code meanings: shell, sysexits, systemd",
        arguments: [
            (126, "found but not executable"), (127, "command not found"),
            (137, "shell: child killed by SIGKILL"), (139, "shell: child killed by SIGSEGV"),
            (64, "usage error (EX_USAGE)"), (78, "configuration error (EX_CONFIG)"),
            (200, "systemd: failed at step CHDIR"), (203, "systemd: failed at step EXEC"),
            (217, "systemd: failed at step USER"), (243, "systemd: failed at step CREDENTIALS"),
        ])
    func meanings(code: Int32, meaning: String) {
        #expect(ExitCodeMeaning.of(code) == meaning)
        #expect(AiopsCore.ExitStatus.exited(UInt8(code)).meaning == meaning)
    }

    @Test(
        "codes without a convention have no meaning", arguments: [0, 1, 3, 63, 79, 128, 199, 223, 234, 255])
    func noMeaning(code: Int32) {
        #expect(ExitCodeMeaning.of(code) == nil)
    }
}
