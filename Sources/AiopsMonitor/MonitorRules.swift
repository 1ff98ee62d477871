import AiopsCore

/// What the monitor watches for and how sensitive it is: from the command line and the config
/// file, replaced whole on a reload.
public struct MonitorRules: Sendable, Equatable {
    public var critical: [CriticalTarget] = []
    /// Resource sampling period.
    public var intervalNanoseconds: UInt64 = 10_000_000_000
    /// Alert when any process (not only a critical one) dies of a crash signal (SIGSEGV,
    /// SIGABRT, SIGBUS, SIGILL, SIGFPE, SIGSYS, SIGTRAP, or a core dump).
    public var alertOnAnyCrash = true
    /// Judge every process's CPU and memory against its own baseline, not only critical ones
    /// (critical ones are also judged on IO, open files and threads).
    public var anomaliesForAllProcesses = true

    public init() {}
}
