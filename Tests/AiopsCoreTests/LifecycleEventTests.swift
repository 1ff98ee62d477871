import AiopsCore
import Testing

@Suite("LifecycleEvent")
struct LifecycleEventTests {
    static func process(start: BootInstant?) -> EventProcess {
        EventProcess(pid: 10, tid: 11, ppid: 1, uid: 0, comm: "worker", start: start)
    }

    @Test("age is known only for exits of processes whose start is known")
    func age() {
        let exit = LifecycleEvent(
            time: BootInstant(nanoseconds: 5_000_000_000), source: .bpf,
            process: Self.process(start: BootInstant(nanoseconds: 2_000_000_000)),
            payload: .exit(ExitDetails(status: .exited(0))))
        #expect(exit.ageSeconds == 3)
        #expect(exit.kind == .exit)
        var unknownStart = exit
        unknownStart.process.start = nil
        #expect(unknownStart.ageSeconds == nil)
        let exec = LifecycleEvent(
            time: exit.time, source: .bpf, process: exit.process,
            payload: .exec(ExecDetails(filename: "/bin/true", argv: ["true"], argvTruncated: false)))
        #expect(exec.ageSeconds == nil)
        #expect(exec.kind == .exec)
    }

    @Test("source names are the JSON interface's")
    func sourceNames() {
        #expect(EventSource.allCases.map(\.rawValue) == ["bpf", "proc-connector", "proc-poll"])
        #expect(LifecycleEventKind.allCases.map(\.rawValue) == ["exec", "fork", "exit", "signal"])
        #expect(LifecycleEventKind.exec < .exit)
    }

    @Test("keys need a start; SI_KERNEL marks the kernel as the sender")
    func keysAndKiller() {
        let tick = BootInstant.nanosecondsPerTick
        #expect(Self.process(start: nil).key == nil)
        #expect(Self.process(start: BootInstant(clockTicks: 7)).key == ProcessKey(pid: 10, startTicks: 7))
        let fork = ForkDetails(
            childPID: 12, childTID: 12, childStart: BootInstant(nanoseconds: 9 * tick), isThread: false)
        #expect(fork.childKey == ProcessKey(pid: 12, startTicks: 9))
        let oom = Killer(
            signal: 9, code: 0x80, senderPID: 77, senderComm: "stress", time: BootInstant(nanoseconds: 0))
        #expect(oom.sentByKernel)
        let user = Killer(
            signal: 9, code: 0, senderPID: 1, senderComm: "systemd", time: BootInstant(nanoseconds: 0))
        #expect(!user.sentByKernel)
    }

    @Test("only delivered signals whose default action kills are potentially fatal")
    func potentiallyFatal() {
        func details(_ signal: Int32, result: Int32 = 0) -> SignalDetails {
            SignalDetails(
                signal: signal, code: 0, result: result, toGroup: true, targetPID: 5, targetTID: 5,
                targetStart: nil,
                targetComm: "t")
        }
        #expect(details(15).isPotentiallyFatal)
        #expect(details(9).isPotentiallyFatal)
        #expect(!details(17).isPotentiallyFatal)  // SIGCHLD
        #expect(!details(28).isPotentiallyFatal)  // SIGWINCH
        #expect(!details(15, result: 1).isPotentiallyFatal)  // ignored
        #expect(details(15).targetKey == nil)
    }
}
