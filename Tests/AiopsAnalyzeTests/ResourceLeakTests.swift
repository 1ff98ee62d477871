import AiopsAnalyze
import AiopsCore
import Testing

/// Sustained growth of memory, descriptors and threads, found by `GrowthDetector` over each
/// process's retained window.
@Suite("ResourceAnomalyDetector leaks")
struct ResourceLeakTests {
    static let mebibyte = SimulatedProcess.mebibyte

    /// Every anomaly with the index of the sample that raised it.
    static func run(
        _ count: Int, interval: Double = 10, detector: inout ResourceAnomalyDetector,
        sample: (Int, inout SimulatedProcess) -> ProcessResourcePoint
    ) -> [(Int, ResourceAnomaly)] {
        var process = SimulatedProcess()
        return (0..<count).flatMap { index in detector.observe(sample(index, &process)).map { (index, $0) } }
    }

    @Test("resident memory growing 13.2 MiB/min is a likely leak, with its slope, reported once per window")
    func memoryLeak() throws {
        var detector = ResourceAnomalyDetector()
        var random = SeededGenerator(seed: 11)
        let found = Self.run(100, detector: &detector) { index, process in
            let wobble = Double.random(in: -16_384...16_384, using: &random)
            return process.next(
                cpuPercent: 5,
                residentBytes: 200 * Self.mebibyte + Double(index) * 2.2 * Self.mebibyte + wobble)
        }
        // 32 MiB of growth is first reached after 150 s (the 16th sample); then one report per
        // 30 samples, each over a window none of whose samples was behind the previous report.
        #expect(found.map(\.0) == [15, 45, 75])
        let leak = try #require(found.first?.1)
        #expect(leak.kind == .leak(.memory))
        #expect(leak.kind.alertKind == .resourceLeak)
        let detail = try #require(leak.detail)
        #expect(detail.verdict == .likelyLeak)
        #expect(abs(try #require(detail.slopePerMinute) - 13.2 * Self.mebibyte) < 0.1 * Self.mebibyte)
        #expect(detail.samples == 16)
        #expect(leak.baselineSamples == 16)
        #expect(leak.baselineSeconds == 150)
        #expect(abs(leak.baseline - 216.5 * Self.mebibyte) < 0.1 * Self.mebibyte)
        #expect(leak.summary.hasPrefix("resident memory 233.0 MiB, growing 13.2 MiB/min"))
        #expect(leak.summary.hasSuffix("over 150 s, 16 samples: likely a leak"))
        // Later windows are full: 30 samples.
        #expect(found.last?.1.detail?.samples == 30)
    }

    @Test("a descriptor leak of one every 10 s and a thread leak of one every 20 s are found")
    func countLeaks() throws {
        var detector = ResourceAnomalyDetector()
        let found = Self.run(30, detector: &detector) { index, process in
            process.next(cpuPercent: 5, openFiles: 40 + index, threads: 8 + index / 2)
        }
        let kinds = found.map(\.1.kind)
        #expect(kinds.filter { $0 == .leak(.openFiles) }.count == 1)
        #expect(kinds.filter { $0 == .leak(.threads) }.count == 1)
        let files = try #require(found.first { $0.1.kind == .leak(.openFiles) })
        // 16 more descriptors: at the 17th sample.
        #expect(files.0 == 16)
        #expect(files.1.summary.hasPrefix("open files 56, growing 6 fds/min"))
        let threads = try #require(found.first { $0.1.kind == .leak(.threads) })
        #expect(threads.1.summary.hasPrefix("threads "))
        #expect(threads.1.summary.hasSuffix("likely a leak"))
    }

    @Test("steady growth smaller than 32 MiB over the window is not reported")
    func slowGrowth() {
        var detector = ResourceAnomalyDetector()
        // 4 MiB/min: under 20 MiB over the five-minute window.
        let found = Self.run(200, detector: &detector) { index, process in
            process.next(residentBytes: 500 * Self.mebibyte + Double(index) * 0.66 * Self.mebibyte)
        }
        #expect(found.isEmpty)
    }

    @Test("a garbage-collected heap (sawtooth) is not a leak")
    func sawtooth() {
        var detector = ResourceAnomalyDetector()
        let found = Self.run(200, detector: &detector) { index, process in
            process.next(residentBytes: 300 * Self.mebibyte + Double(index % 12) * 20 * Self.mebibyte)
        }
        #expect(found.isEmpty, "\(found.map(\.1.summary))")
    }

    @Test("growth over half a minute (1 s samples) is too short to call a leak")
    func shortWindow() {
        var detector = ResourceAnomalyDetector()
        let found = Self.run(100, detector: &detector) { index, process in
            process.next(after: 1, residentBytes: 100 * Self.mebibyte + Double(index) * 10 * Self.mebibyte)
        }
        #expect(found.isEmpty)
    }
}
