import AiopsAnalyze
import AiopsCore
import Testing

/// Spikes of CPU, memory and IO against each process's own baseline, at the monitor's default
/// 10 s interval.
@Suite("ResourceAnomalyDetector spikes")
struct ResourceSpikeTests {
    static let mebibyte = SimulatedProcess.mebibyte

    /// A detector that has seen a reference sample of `process` (rates need two samples).
    static func started(_ process: inout SimulatedProcess) -> ResourceAnomalyDetector {
        var detector = ResourceAnomalyDetector()
        #expect(detector.observe(process.next()).isEmpty)
        return detector
    }

    /// 3% of a core with ±0.5 points of wobble.
    static func quiet(_ count: Int, seed: UInt64 = 7) -> [Double] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { _ in 3 + Double.random(in: -0.5...0.5, using: &random) }
    }

    @Test("a CPU spike against a quiet baseline is reported once, with what is usual and over how long")
    func cpuSpike() throws {
        var process = SimulatedProcess()
        var detector = Self.started(&process)
        let found = detector.feed(cpu: Self.quiet(19) + [97, 97, 97], process: &process)
        try #require(found.count == 1)
        let (index, spike) = found[0]
        #expect(index == 19)
        #expect(spike.kind == .cpuSpike)
        #expect(spike.kind.alertKind == .cpuSpike)
        #expect(spike.key == process.key)
        #expect(abs(spike.current - 97) < 1e-6)
        #expect(abs(spike.baseline - 3) < 0.3)
        #expect(spike.baselineSamples == 19)
        #expect(spike.baselineSeconds == 190)
        #expect(spike.detail == nil)
        #expect(spike.summary == "CPU 97% of a core, baseline 3.0% over the last 3m10s")
    }

    @Test("nothing is judged before the baseline has 6 values: a process that starts busy never alerts")
    func minimumBaseline() {
        var process = SimulatedProcess()
        var detector = Self.started(&process)
        // Five quiet intervals, then flat out: too little history to call it unusual.
        #expect(detector.feed(cpu: Self.quiet(5) + [100, 100], process: &process).isEmpty)

        var second = SimulatedProcess(pid: 77)
        var judged = Self.started(&second)
        let found = judged.feed(cpu: Self.quiet(6) + [100], process: &second)
        #expect(found.map(\.0) == [6])
        #expect(found.first?.1.baselineSamples == 6)
    }

    @Test("a spike is not reported again until the value came back near the baseline")
    func hysteresis() {
        var process = SimulatedProcess()
        var detector = Self.started(&process)
        // Threshold over a 3% baseline: 3 + 50 points = 53%; back to normal below half way, 28%.
        let series = Self.quiet(10) + [97, 40, 97, 60, 97] + [3, 3] + [97]
        let found = detector.feed(cpu: series, process: &process)
        #expect(found.map(\.0) == [10, 17])
        // The spike's values never entered the baseline: the second is judged against 3%.
        #expect(found.allSatisfy { abs($0.1.baseline - 3) < 0.5 })
        #expect(found.last?.1.baselineSamples == 12)
    }

    @Test("a lasting change of level is reported once, then becomes the process's new normal")
    func newNormal() {
        var process = SimulatedProcess()
        var detector = Self.started(&process)
        var random = SeededGenerator(seed: 3)
        let busy = (0..<40).map { _ in 80 + Double.random(in: -2...2, using: &random) }
        let found = detector.feed(cpu: Self.quiet(20) + busy + [200], process: &process)
        // The step to 80% once; then 200% is judged against 80%, not against the old 3%.
        #expect(found.map(\.0) == [20, 60])
        #expect(abs((found.last?.1.baseline ?? 0) - 80) < 2)
        #expect(found.last?.1.summary.hasPrefix("CPU 200% of a core, baseline 80%") == true)
    }

    @Test("a short burst is not learned: after it, the same spike again is reported again")
    func burstsStayOutOfTheBaseline() {
        var process = SimulatedProcess()
        var detector = Self.started(&process)
        let burst = Array(repeating: 150.0, count: 11)
        let found = detector.feed(
            cpu: Self.quiet(10) + burst + Self.quiet(3, seed: 8) + [150], process: &process)
        #expect(found.map(\.0) == [10, 24])
        #expect(found.map(\.1.baselineSamples) == [10, 13])
    }

    /// The anomalies of a process sampled with these resident sizes (MiB).
    static func memory(_ mebibytes: [Double], pid: Int32 = 4242) -> [ResourceAnomaly] {
        var process = SimulatedProcess(pid: pid)
        var detector = ResourceAnomalyDetector()
        return mebibytes.flatMap { detector.observe(process.next(residentBytes: $0 * Self.mebibyte)) }
    }

    /// The anomalies of a process sampled with these IO rates (bytes per second).
    static func io(_ rates: [Double]) -> [ResourceAnomaly] {
        var process = SimulatedProcess()
        var detector = ResourceAnomalyDetector()
        return rates.flatMap { detector.observe(process.next(ioPerSecond: $0)) }
    }

    @Test("memory: a jump of 700 MiB over 200 MiB is a spike; smaller or proportionally small jumps are not")
    func memorySpike() throws {
        let usual = Array(repeating: 200.0, count: 12)
        let found = Self.memory(usual + [900])
        try #require(found.count == 1)
        #expect(found[0].kind == .memorySpike)
        #expect(found[0].kind.alertKind == .memorySpike)
        #expect(found[0].baselineSamples == 12)
        #expect(found[0].summary == "resident memory 900.0 MiB, baseline 200.0 MiB over the last 1m50s")
        // +180 MiB: almost twice, but less than the 256 MiB that matter.
        #expect(Self.memory(usual + [380]).isEmpty)
        // +512 MiB on a 4 GiB process is not twice its usual size.
        #expect(Self.memory(Array(repeating: 4096, count: 12) + [4608]).isEmpty)
    }

    @Test("IO: 80 MiB/s against a usual 100 KiB/s is a spike; 20 MiB/s is not")
    func ioSpike() throws {
        let usual = Array(repeating: 100.0 * 1024, count: 12)
        let found = Self.io(usual + [80 * Self.mebibyte])
        try #require(found.count == 1)
        #expect(found[0].kind == .ioSpike)
        #expect(found[0].kind.alertKind == .ioSpike)
        #expect(abs(found[0].current - 80 * Self.mebibyte) < 1)
        // The first sample is the reference: 11 rates.
        #expect(found[0].baselineSamples == 11)
        #expect(found[0].summary == "disk IO 80.0 MiB/s, baseline 100.0 KiB/s over the last 1m50s")
        #expect(Self.io(usual + [20 * Self.mebibyte]).isEmpty)
    }

    @Test("a counter going backwards skips that step; the baseline and later detection are intact")
    func counterBackwards() throws {
        var process = SimulatedProcess()
        var detector = Self.started(&process)
        #expect(detector.feed(cpu: Self.quiet(8), process: &process).isEmpty)
        // The counter drops (a misread, a reset): no rate for that step, and no alert.
        let backwards = process.next(cpuPercent: 3)
        let reset = ProcessResourcePoint(
            key: backwards.key, time: backwards.time, cpuNanoseconds: 1_000, ioBytes: 10)
        process.cpuNanoseconds = 1_000
        #expect(detector.observe(reset).isEmpty)
        #expect(detector.feed(cpu: Self.quiet(2), process: &process).isEmpty)
        let found = detector.feed(cpu: [97], process: &process)
        try #require(found.count == 1)
        // 8 before the drop, 2 after it; the dropped step is in neither.
        #expect(found[0].1.baselineSamples == 10)
        #expect(abs(found[0].1.baseline - 3) < 0.5)
    }

    @Test("a sample not later than the previous one is ignored")
    func outOfOrder() {
        var process = SimulatedProcess()
        var detector = ResourceAnomalyDetector()
        for _ in 0..<10 {
            #expect(detector.observe(process.next(residentBytes: 100 * Self.mebibyte)).isEmpty)
        }
        // A replayed sample with a wild value: judged, it would be a memory spike.
        let replay = ProcessResourcePoint(
            key: process.key, time: process.time, cpuNanoseconds: 0, residentBytes: 4 << 30)
        #expect(detector.observe(replay).isEmpty)
        #expect(detector.observe(process.next(residentBytes: 100 * Self.mebibyte)).isEmpty)
    }

    @Test("unknown readings are skipped; a rate spans the gap to the next known reading")
    func unknownReadings() {
        var process = SimulatedProcess()
        var detector = ResourceAnomalyDetector()
        // A steady 40 MiB/s with every third reading unknown: taking the bytes of a 20 s gap as
        // one interval's would read 80 MiB/s.
        for index in 0..<30 {
            var sample = process.next(
                cpuPercent: 20, residentBytes: 100 * Self.mebibyte, ioPerSecond: 40 * Self.mebibyte)
            if index % 3 == 1 {
                sample.ioBytes = nil
                sample.residentBytes = nil
            }
            #expect(detector.observe(sample).isEmpty, "\(index)")
        }
        #expect(detector.trackedProcesses == 1)
    }

    @Test("the rule needs all three: beyond the noise, a multiple of the mean, and the absolute step")
    func rule() {
        let rule = SpikeRule(absoluteIncrease: 50)
        #expect(rule.threshold(mean: 3, deviation: 1) == 53)
        #expect(rule.rearmLevel(mean: 3, deviation: 1) == 28)
        #expect(rule.isSpike(54, mean: 3, deviation: 1))
        #expect(!rule.isSpike(52, mean: 3, deviation: 1))
        // Busy: 2 × 100 is the bar, not 100 + 50.
        #expect(rule.threshold(mean: 100, deviation: 5) == 200)
        #expect(!rule.isSpike(180, mean: 100, deviation: 5))
        // Noisy: 4σ is the bar.
        #expect(rule.threshold(mean: 30, deviation: 20) == 110)
        #expect(!rule.isSpike(100, mean: 30, deviation: 20))
    }
}
