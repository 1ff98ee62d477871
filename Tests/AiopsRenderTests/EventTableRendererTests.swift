import AiopsCore
import AiopsRender
import Foundation
import Testing

@Suite("EventTableRenderer")
struct EventTableRendererTests {
    static func line(_ event: LifecycleEvent, colors: Bool = false) -> String {
        var renderer = EventTableRenderer(clock: EventFixtures.clock, style: TerminalStyle(colors: colors))
        return renderer.line(event)
    }

    /// The details column: everything after the padded comm.
    static func details(_ event: LifecycleEvent) -> String {
        let text = line(event)
        let prefix = 12 + 1 + 6 + 1 + 7 + 1 + 7 + 2 + max(16, event.process.comm.terminalSafe.count) + 1
        return String(text.dropFirst(prefix))
    }

    static func isTerminalControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
        default: return false
        }
    }

    @Test("the columns: local time, event, pid, ppid, comm padded to 16")
    func columns() {
        let text = Self.line(EventFixtures.exit(.exited(3)))
        #expect(text.hasSuffix("  worker           exited 3 after 2s"))
        #expect(text.dropFirst(12).hasPrefix(" exit      4242       1  worker "))
        #expect(text.prefix(12).hasSuffix(".123"))
        #expect(EventTableRenderer.header.hasPrefix("TIME         EVENT      PID    PPID  COMM"))
    }

    @Test(
        "exit texts",
        arguments: [
            (AiopsCore.ExitStatus.exited(3), "exited 3 after 2s"),
            (.killed(by: 11, coreDumped: true), "killed by SIGSEGV (core dumped) after 2s"),
            (.killed(by: 9), "killed by SIGKILL after 2s"),
            (.exited(127), "exited 127 (command not found) after 2s"),
            (.exited(203), "exited 203 (systemd: failed at step EXEC) after 2s"),
            (.exited(0), "exited 0 after 2s"),
        ])
    func exitTexts(status: AiopsCore.ExitStatus, text: String) {
        #expect(Self.details(EventFixtures.exit(status)) == text)
    }

    @Test("an unknown status, the killer, and the command line")
    func exitExtras() {
        var unknown = ExitDetails(status: nil)
        unknown.argv = ["sleep", "100"]
        #expect(
            Self.details(EventFixtures.event(.exit(unknown))) == "exited, status unknown after 2s: sleep 100")
        var killed = ExitDetails(status: .killed(by: 15))
        killed.killer = Killer(
            signal: 15, code: 0, senderPID: 1, senderComm: "systemd", time: EventFixtures.time)
        #expect(
            Self.details(EventFixtures.event(.exit(killed)))
                == "killed by SIGTERM after 2s, sent by 1 (systemd)")
        var oom = ExitDetails(status: .killed(by: 9))
        oom.killer = Killer(signal: 9, code: 0x80, senderPID: 7, senderComm: "x", time: EventFixtures.time)
        let noAge = EventFixtures.process(startedSecondsAgo: nil)
        #expect(
            Self.details(EventFixtures.event(.exit(oom), process: noAge))
                == "killed by SIGKILL, sent by the kernel")
    }

    @Test("arguments are quoted the way a shell needs them")
    func shellQuoting() {
        let argv: [UntrustedText] = ["echo", "hello world", "it's", "", "a\"b", "--flag=x,y:z", "é"]
        let details = ExecDetails(filename: "/bin/echo", argv: argv, argvTruncated: false)
        #expect(
            Self.details(EventFixtures.event(.exec(details)))
                == #"echo 'hello world' 'it'\''s' '' 'a"b' --flag=x,y:z é"#)
    }

    @Test("exec flags: a missing argv shows the filename, a truncated one says so")
    func execFlags() {
        let missing = ExecDetails(
            filename: "/usr/bin/true", argv: [], argvTruncated: false, argvMissing: true)
        #expect(Self.details(EventFixtures.event(.exec(missing))) == "/usr/bin/true (argv unavailable)")
        let truncated = ExecDetails(filename: "/bin/x", argv: ["x", "aaaa"], argvTruncated: true)
        #expect(Self.details(EventFixtures.event(.exec(truncated))) == "x aaaa …(truncated)")
    }

    @Test("fork and signal details")
    func forkAndSignal() {
        let child = ForkDetails(childPID: 4300, childTID: 4300, childStart: nil, isThread: false)
        #expect(Self.details(EventFixtures.event(.fork(child))) == "child 4300")
        let thread = ForkDetails(childPID: 4242, childTID: 4301, childStart: nil, isThread: true)
        #expect(Self.details(EventFixtures.event(.fork(thread))) == "thread 4301")
        let term = SignalDetails(
            signal: 15, code: 0, result: 2, toGroup: true, targetPID: 4300, targetTID: 4300, targetStart: nil,
            targetComm: "victim")
        #expect(
            Self.details(EventFixtures.event(.signal(term)))
                == "SIGTERM → 4300 (victim) SI_USER [already_pending]")
    }

    @Test("hostile comm, argv, killer and target never put a control character on the line")
    func hostileNames() {
        let hostile = UntrustedText(bytes: EventFixtures.hostile)
        let process = EventFixtures.process(comm: hostile)
        var exit = ExitDetails(status: .killed(by: 9))
        exit.argv = [hostile, "x"]
        exit.killer = Killer(signal: 9, code: 0, senderPID: 3, senderComm: hostile, time: EventFixtures.time)
        let events = [
            EventFixtures.event(
                .exec(ExecDetails(filename: hostile, argv: [hostile], argvTruncated: false)), process: process
            ),
            EventFixtures.event(
                .exec(ExecDetails(filename: hostile, argv: [], argvTruncated: false, argvMissing: true)),
                process: process),
            EventFixtures.event(.exit(exit), process: process),
            EventFixtures.event(
                .signal(
                    SignalDetails(
                        signal: 9, code: 0, result: 0, toGroup: true, targetPID: 1, targetTID: 1,
                        targetStart: nil,
                        targetComm: hostile)), process: process),
        ]
        for event in events {
            let plain = Self.line(event)
            #expect(
                !plain.unicodeScalars.contains(where: Self.isTerminalControl), "\(plain.debugDescription)")
            #expect(plain.contains(hostile.terminalSafe))
            // With colours, the only escapes are our own SGR sequences.
            var coloured = Self.line(event, colors: true)
            for code in ["0", "1", "2", "31", "1;31", "32", "33"] {
                coloured = coloured.replacingOccurrences(of: "\u{1B}[\(code)m", with: "")
            }
            #expect(
                !coloured.unicodeScalars.contains(where: Self.isTerminalControl),
                "\(coloured.debugDescription)")
        }
    }
}
