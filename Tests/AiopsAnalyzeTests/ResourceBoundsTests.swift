import AiopsAnalyze
import AiopsCore
import Testing

/// The detector's memory stays bounded however long it runs and however many processes come
/// and go.
@Suite("ResourceAnomalyDetector bounds")
struct ResourceBoundsTests {
    /// `count` quiet samples of a process at 2% CPU.
    static func quiet(
        _ process: inout SimulatedProcess, _ detector: inout ResourceAnomalyDetector, _ count: Int
    ) {
        for _ in 0..<count { #expect(detector.observe(process.next(cpuPercent: 2)).isEmpty) }
    }

    @Test("beyond maximumProcesses the least recently seen process is forgotten, and counted")
    func eviction() {
        var configuration = ResourceAnomalyDetector.Configuration()
        configuration.maximumProcesses = 3
        var detector = ResourceAnomalyDetector(configuration: configuration)
        var a = SimulatedProcess(pid: 1)
        var b = SimulatedProcess(pid: 2)
        var c = SimulatedProcess(pid: 3)
        var d = SimulatedProcess(pid: 4)
        for index in 0..<10 {
            // b is seen last in each round, but a and c are seen again later.
            _ = detector.observe(b.next(cpuPercent: 2))
            _ = detector.observe(a.next(cpuPercent: 2))
            _ = detector.observe(c.next(cpuPercent: 2))
            #expect(detector.trackedProcesses == 3, "\(index)")
        }
        Self.quiet(&a, &detector, 1)
        Self.quiet(&c, &detector, 1)
        _ = detector.observe(d.next(cpuPercent: 2))
        #expect(detector.trackedProcesses == 3)
        #expect(detector.evictions == 1)
        // a kept its baseline: its spike is judged. b lost its own: it starts over (evicting c,
        // now the least recently seen), and its spike is not judged.
        #expect(detector.observe(a.next(cpuPercent: 100)).map(\.kind) == [.cpuSpike])
        #expect(detector.observe(b.next(cpuPercent: 100)).isEmpty)
        #expect(detector.evictions == 2)
        #expect(detector.trackedProcesses == 3)
    }

    @Test("a process sampled for a day keeps only its last 30 samples")
    func boundedHistory() throws {
        var detector = ResourceAnomalyDetector()
        var process = SimulatedProcess()
        Self.quiet(&process, &detector, 8640)
        let spike = try #require(detector.observe(process.next(cpuPercent: 100)).first)
        #expect(spike.baselineSamples == 30)
        #expect(spike.baselineSeconds == 300)
    }

    @Test("a forgotten process starts again without a baseline")
    func forget() {
        var detector = ResourceAnomalyDetector()
        var process = SimulatedProcess()
        Self.quiet(&process, &detector, 10)
        detector.forget(process.key)
        #expect(detector.trackedProcesses == 0)
        #expect(detector.observe(process.next(cpuPercent: 100)).isEmpty)
        #expect(detector.evictions == 0)
    }

    @Test("a reused pid is another process: its history is separate")
    func pidReuse() {
        var detector = ResourceAnomalyDetector()
        var old = SimulatedProcess(pid: 500, start: 100)
        var new = SimulatedProcess(pid: 500, start: 900)
        Self.quiet(&old, &detector, 10)
        #expect(detector.observe(new.next(cpuPercent: 100)).isEmpty)
        #expect(detector.observe(new.next(cpuPercent: 100)).isEmpty)
        #expect(detector.trackedProcesses == 2)
    }
}
