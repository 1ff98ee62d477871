/// How an event was observed. Each source sees a different slice of the truth; every event
/// says which one saw it, so a conclusion can say how complete it is.
public enum EventSource: String, Sendable, CaseIterable {
    /// BPF programs on the scheduler and signal tracepoints: every event, exact.
    case bpf
    /// The netlink proc connector: forks, execs and exit codes, but no signals, and argv
    /// read from /proc afterwards (racy for short-lived processes).
    case procConnector = "proc-connector"
    /// Scanning /proc: only what lives longer than the poll interval; exit codes only of
    /// zombies that were seen.
    case procPoll = "proc-poll"
}

public enum LifecycleEventKind: String, Sendable, CaseIterable, Comparable {
    case exec, fork, exit, signal

    /// 0...3, for per-kind counters kept in arrays on the per-event paths.
    public var index: Int {
        switch self {
        case .exec: return 0
        case .fork: return 1
        case .exit: return 2
        case .signal: return 3
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.index < rhs.index }
}

/// Counts per event kind, cheap enough to bump for every event.
public struct KindCounts: Sendable, Equatable {
    private var counts: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    public init() {}

    public subscript(kind: LifecycleEventKind) -> UInt64 {
        get {
            switch kind {
            case .exec: return counts.0
            case .fork: return counts.1
            case .exit: return counts.2
            case .signal: return counts.3
            }
        }
        set {
            switch kind {
            case .exec: counts.0 = newValue
            case .fork: counts.1 = newValue
            case .exit: counts.2 = newValue
            case .signal: counts.3 = newValue
            }
        }
    }

    public var total: UInt64 { counts.0 + counts.1 + counts.2 + counts.3 }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        LifecycleEventKind.allCases.allSatisfy { lhs[$0] == rhs[$0] }
    }
}

/// The process an event happened in. For a signal, the sender.
public struct EventProcess: Hashable, Sendable {
    public var pid: Int32
    public var tid: Int32
    public var ppid: Int32?
    public var uid: UInt32?
    public var comm: UntrustedText
    /// The process's start; nil when the source could not tell (then the process table fills
    /// it in from what it knows about the pid).
    public var start: BootInstant?
    /// cgroup v2 id, where the source knows it.
    public var cgroupID: UInt64?

    public init(
        pid: Int32, tid: Int32, ppid: Int32?, uid: UInt32?, comm: UntrustedText,
        start: BootInstant?, cgroupID: UInt64? = nil
    ) {
        self.pid = pid
        self.tid = tid
        self.ppid = ppid
        self.uid = uid
        self.comm = comm
        self.start = start
        self.cgroupID = cgroupID
    }

    public var key: ProcessKey? { start.map { ProcessKey(pid: pid, start: $0) } }
}

public struct ExecDetails: Hashable, Sendable {
    public var filename: UntrustedText
    public var argv: [UntrustedText]
    /// argv was longer than what the source could read; the last argument may be cut.
    public var argvTruncated: Bool
    /// The source could not read argv at all (the process was already gone, for /proc).
    public var argvMissing: Bool
    /// The path was longer than the source could carry (255 bytes from the kernel): a prefix.
    public var filenameTruncated: Bool

    public init(
        filename: UntrustedText, argv: [UntrustedText], argvTruncated: Bool, argvMissing: Bool = false,
        filenameTruncated: Bool = false
    ) {
        self.filename = filename
        self.argv = argv
        self.argvTruncated = argvTruncated
        self.argvMissing = argvMissing
        self.filenameTruncated = filenameTruncated
    }
}

public struct ForkDetails: Hashable, Sendable {
    public var childPID: Int32
    public var childTID: Int32
    public var childStart: BootInstant?
    /// The child is a thread of the parent's process, not a new process.
    public var isThread: Bool

    public init(childPID: Int32, childTID: Int32, childStart: BootInstant?, isThread: Bool) {
        self.childPID = childPID
        self.childTID = childTID
        self.childStart = childStart
        self.isThread = isThread
    }

    public var childKey: ProcessKey? { childStart.map { ProcessKey(pid: childPID, start: $0) } }
}

/// Who sent the signal that killed a process: joined onto its exit by the process table.
public struct Killer: Hashable, Sendable {
    public var signal: Int32
    public var code: Int32
    public var senderPID: Int32
    public var senderComm: UntrustedText
    public var time: BootInstant

    public init(signal: Int32, code: Int32, senderPID: Int32, senderComm: UntrustedText, time: BootInstant) {
        self.signal = signal
        self.code = code
        self.senderPID = senderPID
        self.senderComm = senderComm
        self.time = time
    }

    /// Raised by the kernel itself, not by the task whose context it ran in (see
    /// `SignalCode.isFromKernel`): `senderPID` is then not a sender.
    public var sentByKernel: Bool { SignalCode.isFromKernel(code, signal: signal) }
}

public struct ExitDetails: Hashable, Sendable {
    /// nil when the source could not see the status (a process that vanished between polls).
    public var status: ExitStatus?
    /// CPU time of the whole process, user + system.
    public var cpuNanoseconds: UInt64?
    /// Peak resident set size.
    public var maxRSSBytes: UInt64?

    // Filled in by the process table, from what it saw before the exit.
    /// The command line of the process, if known (seeded from /proc or seen at exec).
    public var argv: [UntrustedText]?
    /// The fatal signal's sender, when the tracer saw it being sent.
    public var killer: Killer?

    public init(status: ExitStatus?, cpuNanoseconds: UInt64? = nil, maxRSSBytes: UInt64? = nil) {
        self.status = status
        self.cpuNanoseconds = cpuNanoseconds
        self.maxRSSBytes = maxRSSBytes
    }
}

public struct SignalDetails: Hashable, Sendable {
    public var signal: Int32
    /// si_code: SI_USER (kill), SI_KERNEL, SI_TKILL (raise/abort), SEGV_MAPERR (a fault) ...
    public var code: Int32
    /// signal_generate's result: 0 delivered, 1 ignored, 2 already pending, 3 overflow, 4 lost.
    public var result: Int32
    public var toGroup: Bool
    public var targetPID: Int32
    public var targetTID: Int32
    public var targetStart: BootInstant?
    public var targetComm: UntrustedText

    public init(
        signal: Int32, code: Int32, result: Int32, toGroup: Bool, targetPID: Int32, targetTID: Int32,
        targetStart: BootInstant?, targetComm: UntrustedText
    ) {
        self.signal = signal
        self.code = code
        self.result = result
        self.toGroup = toGroup
        self.targetPID = targetPID
        self.targetTID = targetTID
        self.targetStart = targetStart
        self.targetComm = targetComm
    }

    public var targetKey: ProcessKey? { targetStart.map { ProcessKey(pid: targetPID, start: $0) } }

    /// Raised by the kernel itself: the event's process is not the sender (see `SignalCode.isFromKernel`).
    public var sentByKernel: Bool { SignalCode.isFromKernel(code, signal: signal) }

    /// Kills unless handled: the default action of these signals ends the process.
    public var isPotentiallyFatal: Bool { ![17, 18, 23, 28].contains(signal) && result == 0 }
}

/// One thing that happened to a process: the single stream every backend produces and every
/// analyzer consumes.
public struct LifecycleEvent: Hashable, Sendable {
    public enum Payload: Hashable, Sendable {
        case exec(ExecDetails)
        case fork(ForkDetails)
        case exit(ExitDetails)
        case signal(SignalDetails)
    }

    /// When it happened (boot clock). For /proc polling: when it was noticed.
    public var time: BootInstant
    public var source: EventSource
    public var process: EventProcess
    public var payload: Payload

    public init(time: BootInstant, source: EventSource, process: EventProcess, payload: Payload) {
        self.time = time
        self.source = source
        self.process = process
        self.payload = payload
    }

    public var kind: LifecycleEventKind {
        switch payload {
        case .exec: return .exec
        case .fork: return .fork
        case .exit: return .exit
        case .signal: return .signal
        }
    }

    /// Seconds the process lived, for exits whose start is known.
    public var ageSeconds: Double? {
        guard case .exit = payload, let start = process.start else { return nil }
        return time.seconds(since: start)
    }
}
