import AiopsAnalyze
import AiopsCore
import AiopsProc

extension ProcessResourceSample {
    /// A critical process's full sample, for the anomaly detector.
    var point: ProcessResourcePoint {
        let io = io.value.map { $0.storageReadBytes &+ $0.storageWriteBytes }
        return ProcessResourcePoint(
            key: stat.key, time: time, cpuNanoseconds: cpuNanoseconds, residentBytes: residentBytes,
            ioBytes: io,
            openFiles: openFiles.value, threads: threads)
    }
}

extension ProcStat {
    /// What one stat line tells about any process: CPU and resident memory (IO, files and
    /// threads cost more reads; they are sampled for critical processes only).
    func point(at time: BootInstant) -> ProcessResourcePoint {
        let cpu = (userTicks &+ systemTicks) &* BootInstant.nanosecondsPerTick
        let resident = residentPages > 0 ? UInt64(residentPages) &* ProcessResourceSampler.pageSize : 0
        return ProcessResourcePoint(
            key: key, time: time, cpuNanoseconds: cpu, residentBytes: resident, ioBytes: nil, openFiles: nil,
            threads: nil)
    }
}

extension CriticalTarget {
    /// A scan has only the 15-byte comm: enough to find a named process (or a PID criterion's
    /// successor) whose start no event reported.
    func matchesComm(_ comm: UntrustedText) -> Bool {
        guard case .name = self else { return false }
        return matches(pid: 0, comm: comm, argv0: nil, unit: nil)
    }
}
