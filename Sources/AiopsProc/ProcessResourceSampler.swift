import AiopsCore
import AiopsPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// The quantities of a process that change from moment to moment, read together so they can be
/// compared across samples: CPU time, memory, IO counters, descriptors, threads.
public struct ProcessResourceSample: Hashable, Sendable {
    /// When it was read (boot clock): rates and slopes use these times, never the interval that
    /// was asked for, since a sample can be late.
    public var time: BootInstant
    public var stat: ProcStat
    public var status: ProcReading<ProcStatusResources>
    public var io: ProcReading<ProcIO>
    public var openFiles: ProcReading<Int>

    /// CPU time, user + system, in nanoseconds.
    public var cpuNanoseconds: UInt64 {
        (stat.userTicks &+ stat.systemTicks) &* BootInstant.nanosecondsPerTick
    }

    /// VmRSS from status when readable, else stat's resident pages.
    public var residentBytes: UInt64? {
        if let bytes = status.value?.residentBytes { return bytes }
        return stat.residentPages >= 0 ? UInt64(stat.residentPages) &* ProcessResourceSampler.pageSize : nil
    }

    public var threads: Int { status.value?.threads ?? Int(stat.threads) }

    /// The monitoring vocabulary's snapshot of this sample (what the daemon stores and the leak
    /// detector reads).
    public var snapshot: ResourceSnapshot {
        ResourceSnapshot(
            time: time, cpuNanoseconds: cpuNanoseconds, residentBytes: residentBytes,
            virtualBytes: stat.virtualBytes, readBytes: io.value?.storageReadBytes,
            writeBytes: io.value?.storageWriteBytes, threads: threads, openFiles: openFiles.value)
    }
}

/// Reads samples of one process, by identity: a pid reused by another process between samples
/// ends the series rather than splicing two processes into one trend.
public struct ProcessResourceSampler: Sendable {
    public let procfs: ProcFS

    public static let pageSize: UInt64 = {
        let size = sysconf(Int32(_SC_PAGESIZE))
        return size > 0 ? UInt64(size) : 4096
    }()

    public init(procfs: ProcFS = ProcFS()) {
        self.procfs = procfs
    }

    /// nil when the process is gone (or `key` names an earlier process with the same pid).
    public func sample(_ key: ProcessKey) -> ProcessResourceSample? {
        let time = BootInstant.now()
        guard let stat = procfs.read("\(key.pid)/stat", limit: 2048).bytes.flatMap(ProcStat.parse),
            stat.startTicks == key.startTicks
        else { return nil }
        let status = procfs.reading(pid: key.pid, "status") { ProcStatusResources.parse($0) }
        let io = procfs.reading(pid: key.pid, "io") { ProcIO.parse($0) }
        let openFiles = procfs.openFileCount(pid: key.pid)
        return ProcessResourceSample(time: time, stat: stat, status: status, io: io, openFiles: openFiles)
    }

    /// Context switches summed over every thread: /proc/<pid>/status only counts the thread
    /// group leader's, which for a server whose work happens in worker threads is close to
    /// nothing. Beyond `threadLimit` threads the sum stops and is flagged partial.
    public func contextSwitches(pid: Int32, threadLimit: Int = 4096) -> ProcReading<ContextSwitches> {
        var total = ContextSwitches()
        let listed = DirectoryListing.forEachEntry(in: "\(procfs.root)/\(pid)/task") { entry in
            guard let tid = entry.decimalValue else { return .next }
            guard total.threadsCounted < threadLimit else {
                total.partial = true
                return .stop
            }
            // A thread that exits mid-scan is skipped: its switches leave the sum, a small dip
            // that rates clamp at zero.
            guard let bytes = procfs.read("\(pid)/task/\(tid)/status").bytes else { return .next }
            let status = ProcStatusResources.parse(bytes)
            total.voluntary &+= status.voluntaryContextSwitches ?? 0
            total.involuntary &+= status.involuntaryContextSwitches ?? 0
            total.threadsCounted += 1
            return .next
        }
        if case .failure(let error) = listed, error.stage == .opening {
            return .unavailable(procfs.exists(pid: pid) ? .permission : .gone)
        }
        return total.threadsCounted > 0 ? .value(total) : .unavailable(.gone)
    }
}

public struct ContextSwitches: Hashable, Sendable {
    public var voluntary: UInt64 = 0
    public var involuntary: UInt64 = 0
    public var threadsCounted = 0
    /// Not every thread was counted.
    public var partial = false

    public init() {}
}
