import AiopsCore

/// Builders for scripted event sequences: the analyzers' inputs, written as a story.
enum Script {
    static let t0 = BootInstant(nanoseconds: 1_000_000_000_000)

    static func at(_ milliseconds: UInt64) -> BootInstant {
        BootInstant(nanoseconds: t0.nanoseconds + milliseconds * 1_000_000)
    }

    static func process(
        _ pid: Int32, _ comm: UntrustedText = "proc", ppid: Int32? = 1, start: BootInstant? = t0,
        tid: Int32? = nil
    ) -> EventProcess {
        EventProcess(pid: pid, tid: tid ?? pid, ppid: ppid, uid: 0, comm: comm, start: start)
    }

    static func fork(
        _ parent: EventProcess, child: Int32, childStart: BootInstant? = nil, thread: Bool = false,
        at time: UInt64 = 0
    ) -> LifecycleEvent {
        LifecycleEvent(
            time: at(time), source: .bpf, process: parent,
            payload: .fork(
                ForkDetails(
                    childPID: thread ? parent.pid : child, childTID: child,
                    childStart: childStart ?? at(time),
                    isThread: thread)))
    }

    static func exec(_ process: EventProcess, _ argv: [UntrustedText], at time: UInt64 = 0) -> LifecycleEvent
    {
        LifecycleEvent(
            time: at(time), source: .bpf, process: process,
            payload: .exec(ExecDetails(filename: argv.first ?? "", argv: argv, argvTruncated: false)))
    }

    static func exit(_ process: EventProcess, _ status: ExitStatus?, at time: UInt64 = 0) -> LifecycleEvent {
        LifecycleEvent(
            time: at(time), source: .bpf, process: process, payload: .exit(ExitDetails(status: status)))
    }

    static func signal(
        from sender: EventProcess, to target: EventProcess, _ number: Int32, code: Int32 = 0,
        result: Int32 = 0,
        at time: UInt64 = 0
    ) -> LifecycleEvent {
        LifecycleEvent(
            time: at(time), source: .bpf, process: sender,
            payload: .signal(
                SignalDetails(
                    signal: number, code: code, result: result, toGroup: true, targetPID: target.pid,
                    targetTID: target.pid, targetStart: target.start, targetComm: target.comm)))
    }
}
