/// What the monitoring daemon keeps in its history, for later analyses (`analyze crash --last`,
/// `analyze restarts`). Times are wall-clock nanoseconds since the Unix epoch: history outlives
/// the boot it was recorded in.

/// A process that ended, with what it was using when it died.
public struct ExitRecord: Hashable, Sendable {
    public var unixNanoseconds: Int64
    public var pid: Int32
    public var ppid: Int32?
    public var uid: UInt32?
    public var comm: UntrustedText
    public var argv: [UntrustedText]
    /// Process start, wall clock; with pid, the identity.
    public var startUnixNanoseconds: Int64?
    public var unit: String?
    /// nil when the source could not see it.
    public var status: ExitStatus?
    public var killerPID: Int32?
    public var killerComm: UntrustedText?
    /// The last sample before death, merged with what the exit event itself carried.
    public var snapshot: ResourceSnapshot?
    /// Peak RSS over the process's life, from the exit event (nil from /proc sources, and in
    /// records an older build wrote).
    public var peakResidentBytes: UInt64?
    public var source: EventSource

    public init(
        unixNanoseconds: Int64, pid: Int32, ppid: Int32?, uid: UInt32?, comm: UntrustedText,
        argv: [UntrustedText],
        startUnixNanoseconds: Int64?, unit: String?, status: ExitStatus?, killerPID: Int32? = nil,
        killerComm: UntrustedText? = nil, snapshot: ResourceSnapshot?, peakResidentBytes: UInt64? = nil,
        source: EventSource
    ) {
        self.unixNanoseconds = unixNanoseconds
        self.pid = pid
        self.ppid = ppid
        self.uid = uid
        self.comm = comm
        self.argv = argv
        self.startUnixNanoseconds = startUnixNanoseconds
        self.unit = unit
        self.status = status
        self.killerPID = killerPID
        self.killerComm = killerComm
        self.snapshot = snapshot
        self.peakResidentBytes = peakResidentBytes
        self.source = source
    }
}

/// A critical process that exited and came back (a new process matching the same criterion).
public struct RestartRecord: Hashable, Sendable {
    public var unixNanoseconds: Int64
    /// The --critical criterion that matched: a pid, a name, or a unit.
    public var target: String
    public var oldPID: Int32
    public var newPID: Int32
    /// From the exit to the new process's start.
    public var downtimeSeconds: Double

    public init(unixNanoseconds: Int64, target: String, oldPID: Int32, newPID: Int32, downtimeSeconds: Double)
    {
        self.unixNanoseconds = unixNanoseconds
        self.target = target
        self.oldPID = oldPID
        self.newPID = newPID
        self.downtimeSeconds = downtimeSeconds
    }
}

/// A parent that forked far above its own baseline.
public struct ForkStormRecord: Hashable, Sendable {
    public var unixNanoseconds: Int64
    public var parentPID: Int32
    public var parentComm: UntrustedText
    public var unit: String?
    /// Processes (not threads) forked per second during the storm window.
    public var rate: Double
    public var baselineRate: Double
    public var windowSeconds: Double

    public init(
        unixNanoseconds: Int64, parentPID: Int32, parentComm: UntrustedText, unit: String?, rate: Double,
        baselineRate: Double, windowSeconds: Double
    ) {
        self.unixNanoseconds = unixNanoseconds
        self.parentPID = parentPID
        self.parentComm = parentComm
        self.unit = unit
        self.rate = rate
        self.baselineRate = baselineRate
        self.windowSeconds = windowSeconds
    }
}
