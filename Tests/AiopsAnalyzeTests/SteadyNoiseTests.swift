import AiopsAnalyze
import AiopsCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The property that makes the daemon livable: processes that do the same thing all day never
/// raise an alert, whatever their level and however noisy, as long as the noise stays within
/// what the rules call ordinary.
@Suite("ResourceAnomalyDetector steady noise")
struct SteadyNoiseTests {
    static let mebibyte = SimulatedProcess.mebibyte

    /// A steady resource: a level, and noise around it bounded by an amplitude that keeps every
    /// value within reach of ordinary — under half the absolute step (so no value is that far
    /// above any mean of others) or under 30% of the level (so no value is twice a mean).
    struct Steady {
        var level: Double
        var amplitude: Double

        init(level: Double, absoluteIncrease: Double, using random: inout SeededGenerator) {
            self.level = level
            let bound = max(0.45 * absoluteIncrease, 0.3 * level)
            amplitude = bound * Double.random(in: 0...1, using: &random)
        }

        /// Uniform noise, or bursts to the edges (the worst case for σ estimated from a few
        /// quiet values), never below zero.
        func value(using random: inout SeededGenerator, bursty: Bool) -> Double {
            let noise =
                bursty
                ? (Double.random(in: 0...1, using: &random) < 0.1 ? amplitude : -amplitude * 0.2)
                : Double.random(in: -amplitude...amplitude, using: &random)
            return max(level + noise, 0)
        }
    }

    /// One steady process: each resource at its own level with its own noise.
    struct Profile {
        var process: SimulatedProcess
        var cpu: Steady
        var memory: Steady
        var io: Steady
        var files: Steady
        var threads: Steady
        var bursty: Bool

        init(
            index: Int, configuration: ResourceAnomalyDetector.Configuration,
            using random: inout SeededGenerator
        ) {
            process = SimulatedProcess(pid: Int32(1000 + index), start: Double(100 + index))
            let cpuLevel = Double.random(in: 0...400, using: &random)
            cpu = Steady(
                level: cpuLevel, absoluteIncrease: configuration.cpu.absoluteIncrease, using: &random)
            let memoryLevel = SteadyNoiseTests.logUniform(mebibyte, 16_384 * mebibyte, using: &random)
            memory = Steady(
                level: memoryLevel, absoluteIncrease: configuration.memory.absoluteIncrease, using: &random)
            let ioLevel = Double.random(in: 0...(200 * mebibyte), using: &random)
            io = Steady(level: ioLevel, absoluteIncrease: configuration.io.absoluteIncrease, using: &random)
            let filesLevel = Double.random(in: 3...5000, using: &random)
            files = Steady(
                level: filesLevel, absoluteIncrease: configuration.openFilesLeak.minimumAbsoluteGrowth,
                using: &random)
            let threadsLevel = Double.random(in: 1...500, using: &random)
            threads = Steady(
                level: threadsLevel, absoluteIncrease: configuration.threadsLeak.minimumAbsoluteGrowth,
                using: &random)
            bursty = index % 3 == 0
        }

        /// The next sample, 10 s ± 1 s later (the monitor's sampling drifts a little).
        mutating func next(using random: inout SeededGenerator) -> ProcessResourcePoint {
            let interval = 10 + Double.random(in: -1...1, using: &random)
            let cpuPercent = cpu.value(using: &random, bursty: bursty)
            let resident = memory.value(using: &random, bursty: bursty).rounded()
            let ioRate = io.value(using: &random, bursty: bursty)
            let openFiles = Int(files.value(using: &random, bursty: bursty).rounded())
            let threadCount = Int(threads.value(using: &random, bursty: bursty).rounded())
            return process.next(
                after: interval, cpuPercent: cpuPercent, residentBytes: resident, ioPerSecond: ioRate,
                openFiles: openFiles, threads: threadCount)
        }
    }

    @Test(
        "200 random steady processes sampled together for 16 minutes: not one anomaly", arguments: [1, 2, 3])
    func steadyProcessesNeverAlert(seed: UInt64) {
        let configuration = ResourceAnomalyDetector.Configuration()
        var random = SeededGenerator(seed: seed)
        var detector = ResourceAnomalyDetector(configuration: configuration)
        var profiles = (0..<200).map { Profile(index: $0, configuration: configuration, using: &random) }
        var found: [ResourceAnomaly] = []
        for _ in 0..<100 {
            for index in profiles.indices {
                found += detector.observe(profiles[index].next(using: &random))
            }
        }
        let examples = found.prefix(3).map { "\($0.key): \($0.summary)" }
        #expect(found.count == 0, "\(examples)")
        #expect(detector.trackedProcesses == 200)
    }

    /// Levels spread evenly over orders of magnitude: as many 2 MiB processes as 2 GiB ones.
    static func logUniform(_ low: Double, _ high: Double, using random: inout SeededGenerator) -> Double {
        low * pow(high / low, Double.random(in: 0...1, using: &random))
    }
}
