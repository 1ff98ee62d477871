import AiopsCore

/// Everything the anomaly detector remembers about one process.
struct ProcessResourceHistory: Sendable {
    /// The detector's observation count when this process was last seen (least recently seen
    /// is evicted first).
    var lastSeen: UInt64
    private var lastTime: BootInstant?
    private var cpuTime = CounterRate()
    private var ioBytes = CounterRate()
    private var cpu: SpikeBaseline
    private var memory: SpikeBaseline
    private var io: SpikeBaseline
    /// One per `ResourceAnomaly.LeakResource`, in the order of `allCases`.
    private var growth: [LeakTrack]

    init(capacity: Int, lastSeen: UInt64) {
        self.lastSeen = lastSeen
        cpu = SpikeBaseline(capacity: capacity)
        memory = SpikeBaseline(capacity: capacity)
        io = SpikeBaseline(capacity: capacity)
        growth = ResourceAnomaly.LeakResource.allCases.map { _ in LeakTrack(capacity: capacity) }
    }

    mutating func observe(_ sample: ProcessResourcePoint, rules: ResourceAnomalyRules) -> [ResourceAnomaly] {
        // A sample not later than the last one is a duplicate or out of order: rates over it
        // would be meaningless.
        if let lastTime, sample.time <= lastTime { return [] }
        lastTime = sample.time
        var found: [ResourceAnomaly] = []
        let report = ResourceAnomalyReport(key: sample.key, time: sample.time)

        let configuration = rules.configuration
        let time = sample.time
        func judge(_ baseline: inout SpikeBaseline, _ value: Double, since: BootInstant, _ rule: SpikeRule)
            -> SpikeBaseline.Spike?
        {
            baseline.judge(
                .init(since: since, value: value), at: time, rule: rule,
                minimumSamples: configuration.minimumBaselineSamples,
                newNormalAfter: configuration.newNormalAfterSamples)
        }

        if let step = cpuTime.step(sample.cpuNanoseconds, at: sample.time) {
            // Nanoseconds of CPU per second of time, as percent of one core.
            let percent = step.perSecond / 1e7
            if let spike = judge(&cpu, percent, since: step.since, configuration.cpu) {
                found.append(report.spike(.cpuSpike, current: percent, against: spike))
            }
        }
        // A closure, not `.map(Double.init)`: for a UInt64 that resolves to init(bitPattern:).
        let resident = sample.residentBytes.map { Double($0) }
        if let resident, let spike = judge(&memory, resident, since: sample.time, configuration.memory) {
            found.append(report.spike(.memorySpike, current: resident, against: spike))
        }
        if let step = ioBytes.step(sample.ioBytes, at: sample.time),
            let spike = judge(&io, step.perSecond, since: step.since, configuration.io)
        {
            found.append(report.spike(.ioSpike, current: step.perSecond, against: spike))
        }

        for (index, resource) in ResourceAnomaly.LeakResource.allCases.enumerated() {
            let value: Double?
            switch resource {
            case .memory: value = resident
            case .openFiles: value = sample.openFiles.map { Double($0) }
            case .threads: value = sample.threads.map { Double($0) }
            }
            guard let value,
                let analysis = growth[index].add(
                    GrowthPoint(time: sample.time, value: value), detector: rules.leakDetectors[index])
            else { continue }
            found.append(report.leak(resource, current: value, mean: growth[index].mean, analysis: analysis))
        }
        return found
    }
}

/// The configuration with its growth detectors built once.
struct ResourceAnomalyRules: Sendable {
    let configuration: ResourceAnomalyDetector.Configuration
    /// One per `ResourceAnomaly.LeakResource`, in the order of `allCases`.
    let leakDetectors: [GrowthDetector]

    init(_ configuration: ResourceAnomalyDetector.Configuration) {
        self.configuration = configuration
        leakDetectors = ResourceAnomaly.LeakResource.allCases.map { resource in
            switch resource {
            case .memory: return GrowthDetector(thresholds: configuration.memoryLeak)
            case .openFiles: return GrowthDetector(thresholds: configuration.openFilesLeak)
            case .threads: return GrowthDetector(thresholds: configuration.threadsLeak)
            }
        }
    }
}
