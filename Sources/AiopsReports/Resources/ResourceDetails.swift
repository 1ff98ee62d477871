import AiopsCore
import AiopsProc

/// The readings taken once rather than every sample: they describe the process's situation
/// (limits, cgroup, descriptors, sockets, PSS) more than its motion. Read at the start and again
/// at the end; a process that exits mid-window keeps the start's readings.
public struct ResourceDetails {
    public var limits: ProcReading<[ResourceLimit]>
    public var files: ProcReading<OpenFiles>
    public var network: ProcReading<ProcessSockets>
    public var cgroup: ProcReading<CgroupLimits>
    public var rollup: ProcReading<SmapsRollup>
    public var executable: ProcReading<[UInt8]>
    public var argv: [UntrustedText]
    public var argvTruncated: Bool
    public var uid: UInt32?

    public init(
        limits: ProcReading<[ResourceLimit]>, files: ProcReading<OpenFiles>,
        network: ProcReading<ProcessSockets>, cgroup: ProcReading<CgroupLimits>,
        rollup: ProcReading<SmapsRollup>, executable: ProcReading<[UInt8]>, argv: [UntrustedText],
        argvTruncated: Bool, uid: UInt32?
    ) {
        self.limits = limits
        self.files = files
        self.network = network
        self.cgroup = cgroup
        self.rollup = rollup
        self.executable = executable
        self.argv = argv
        self.argvTruncated = argvTruncated
        self.uid = uid
    }
}
