import AiopsCore
import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One process as a snapshot shows it: what `aiops collect processes` prints, and the raw
/// material of ps's columns (see `PsColumns`).
public struct ProcessSample: Sendable, Hashable {
    public var stat: ProcStat
    public var realUID: UInt32?
    /// ps aux's USER is the effective user.
    public var effectiveUID: UInt32?
    /// VmRSS; nil for kernel threads and zombies, which have no memory map.
    public var residentKiB: UInt64?
    public var lockedKiB: UInt64?
    public var argv: [UntrustedText]
    public var argvTruncated: Bool
    /// The cgroup v2 path ("/system.slice/nginx.service"), if the process is in one.
    public var cgroupPath: UntrustedText?
    /// When it was read.
    public var time: BootInstant
    /// IO counters, when the sampler was asked for them and could read them (window samples).
    public var io: ProcIO?

    public init(
        stat: ProcStat, realUID: UInt32?, effectiveUID: UInt32?, residentKiB: UInt64?, lockedKiB: UInt64?,
        argv: [UntrustedText], argvTruncated: Bool, cgroupPath: UntrustedText?, time: BootInstant,
        io: ProcIO? = nil
    ) {
        self.stat = stat
        self.realUID = realUID
        self.effectiveUID = effectiveUID
        self.residentKiB = residentKiB
        self.lockedKiB = lockedKiB
        self.argv = argv
        self.argvTruncated = argvTruncated
        self.cgroupPath = cgroupPath
        self.time = time
        self.io = io
    }

    public var pid: Int32 { stat.pid }
    public var key: ProcessKey { stat.key }

    /// The innermost systemd unit or scope of its cgroup, if any.
    public var unit: String? { cgroupPath.flatMap { UnitName.innermostUnit(inCgroupPath: $0.lossyString) } }
}

/// Reads samples of every process. Files that vanish mid-read (the process exited) drop the
/// process from the snapshot, as ps does; unreadable optional files leave fields nil.
public struct ProcessSampler: Sendable {
    public let procfs: ProcFS
    /// Command lines can be megabytes; longer ones are cut here and marked truncated.
    public let argvLimit: Int
    /// Also read /proc/<pid>/io: one more file per process, for IO over a window.
    public let readsIO: Bool

    public init(procfs: ProcFS = ProcFS(), argvLimit: Int = 16 * 1024, readsIO: Bool = false) {
        self.procfs = procfs
        self.argvLimit = argvLimit
        self.readsIO = readsIO
    }

    public func sample(pid: Int32) -> ProcessSample? {
        guard let directory = procfs.directory(of: pid),
            let statBytes = directory.read("stat", limit: 2048).bytes,
            let stat = ProcStat.parse(statBytes)
        else { return nil }
        let time = BootInstant.now()
        let status = directory.read("status", limit: 8192).bytes.map(ProcStatus.parse)
        var argv: [UntrustedText] = []
        var truncated = false
        if case .bytes(let bytes, let cut) = directory.read("cmdline", limit: argvLimit) {
            argv = ProcCommandLine.parse(bytes)
            truncated = cut
        }
        let cgroup = directory.read("cgroup").bytes.flatMap(ProcCgroup.unifiedPath)
        return ProcessSample(
            stat: stat, realUID: status?.realUID, effectiveUID: status?.effectiveUID,
            residentKiB: status?.residentKiB, lockedKiB: status?.lockedKiB, argv: argv,
            argvTruncated: truncated,
            cgroupPath: cgroup, time: time,
            io: readsIO ? directory.read("io").bytes.flatMap(ProcIO.parse) : nil)
    }

    /// Every process. Above a few hundred processes the pids are split across the CPUs: the
    /// reads are independent and most of their cost is the kernel rendering each file.
    public func sampleAll() -> [ProcessSample] {
        let pids = procfs.pids()
        let workers = min(max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))), 4, pids.count / 256)
        guard workers > 1 else { return pids.compactMap(sample(pid:)) }
        let chunks = Mutex([[ProcessSample]](repeating: [], count: workers))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let share = stride(from: worker, to: pids.count, by: workers).compactMap { sample(pid: pids[$0]) }
            chunks.withLock { $0[worker] = share }
        }
        return chunks.withLock { $0.flatMap { $0 } }
    }
}
