import AiopsAnalyze
import AiopsCore

/// A deterministic pseudo-random sequence (SplitMix64): the same seed, the same series, so a
/// property test that passes once passes always.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

/// A process as the monitor samples it: resources are given per interval, the simulation keeps
/// the cumulative counters and the boot-clock time.
struct SimulatedProcess {
    static let mebibyte = 1_048_576.0

    let key: ProcessKey
    var time: BootInstant
    var cpuNanoseconds: UInt64 = 0
    var ioBytes: UInt64 = 0

    init(pid: Int32 = 4242, start: Double = 1000) {
        key = ProcessKey(pid: pid, startTicks: UInt64(start) * 100)
        time = BootInstant(nanoseconds: UInt64(start * 1e9))
    }

    /// The sample after `seconds` during which the process used `cpuPercent` of a core and
    /// moved `ioPerSecond` bytes per second.
    mutating func next(
        after seconds: Double = 10, cpuPercent: Double = 0, residentBytes: Double? = nil,
        ioPerSecond: Double? = nil,
        openFiles: Int? = nil, threads: Int? = nil
    ) -> ProcessResourcePoint {
        time = BootInstant(nanoseconds: time.nanoseconds + UInt64((seconds * 1e9).rounded()))
        cpuNanoseconds += UInt64((cpuPercent / 100 * seconds * 1e9).rounded())
        if let ioPerSecond { ioBytes += UInt64((ioPerSecond * seconds).rounded()) }
        return ProcessResourcePoint(
            key: key, time: time, cpuNanoseconds: cpuNanoseconds,
            residentBytes: residentBytes.map { UInt64($0) },
            ioBytes: ioPerSecond == nil ? nil : ioBytes, openFiles: openFiles, threads: threads)
    }
}

extension ResourceAnomalyDetector {
    /// Feeds a CPU series (percent of a core per 10 s interval) and returns every anomaly with
    /// the index of the value that raised it.
    mutating func feed(cpu percents: [Double], process: inout SimulatedProcess) -> [(Int, ResourceAnomaly)] {
        percents.enumerated().flatMap { index, percent in
            observe(process.next(cpuPercent: percent)).map { (index, $0) }
        }
    }
}
