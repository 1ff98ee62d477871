import AiopsCore

/// A live process the monitor watches because a `--critical` criterion names it.
struct WatchedProcess: Sendable {
    var key: ProcessKey
    var target: CriticalTarget
    var ppid: Int32?
    var uid: UInt32?
    var comm: UntrustedText
    var argv: [UntrustedText]
    var unit: String?
    /// The last resource sample: what the process was using when it died, if it dies.
    var lastSample: ResourceSnapshot?
    /// Set by a scan that did not find the process: if the next scan does not either and no
    /// exit event came in between, the exit was lost and is reported as such.
    var missingSince: BootInstant?
}

/// A criterion whose processes have all exited: waiting for something to restart it.
struct DownTarget: Sendable {
    var exitTime: BootInstant
    var oldPID: Int32
    var ppid: Int32?
    /// What a PID criterion's process was called: its restart is a new process of that name
    /// (and unit), since the new one cannot have the old PID.
    var comm: UntrustedText
    var argv0: UntrustedText?
    var unit: String?
}
