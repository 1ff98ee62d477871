import AiopsProc

/// One process of a unit's cgroup, with what /proc says of it.
public struct ServiceProcess {
    public var snapshot: ProcessSnapshot
    public var residentBytes: UInt64?
    public var cpuSeconds: Double
    public var threads: Int

    public init(snapshot: ProcessSnapshot, residentBytes: UInt64?, cpuSeconds: Double, threads: Int) {
        self.snapshot = snapshot
        self.residentBytes = residentBytes
        self.cpuSeconds = cpuSeconds
        self.threads = threads
    }
}
