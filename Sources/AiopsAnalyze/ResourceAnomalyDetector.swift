import AiopsCore

/// Finds spikes of CPU, memory and IO and sustained growth of memory, descriptors and threads in
/// the samples the monitor takes of every process — each process judged against its own recent
/// past, so a database always at 300% CPU is normal and a shell suddenly at 100% is not.
///
/// Pure: time comes with the samples. Memory is bounded: `baselineSamples` values per resource
/// per process (plus, during a spike, up to `newNormalAfterSamples` held out of the baseline),
/// and `maximumProcesses` processes.
///
/// Spikes (details in `SpikeRule` and `Configuration`):
/// - CPU (percent of one core) and IO (bytes per second) are rates over the interval between
///   consecutive samples; memory is the resident size at the sample;
/// - nothing is judged before `minimumBaselineSamples` values, so new and short-lived processes
///   never alert;
/// - a spike is reported once; the same resource of the same process is reported again only
///   after it came back near its baseline, and the spike's values stay out of the baseline
///   unless the raised level lasts (`newNormalAfterSamples`).
///
/// Leaks: `GrowthDetector` over the retained window of resident memory, open descriptors and
/// threads; only a `likelyLeak` verdict with enough growth is reported, at most once per window.
public struct ResourceAnomalyDetector: Sendable {
    public let configuration: Configuration
    /// Processes forgotten to stay within `maximumProcesses`.
    public private(set) var evictions = 0
    private let rules: ResourceAnomalyRules
    private var histories: [ProcessKey: ProcessResourceHistory] = [:]
    private var observations: UInt64 = 0

    public init(configuration: Configuration = Configuration()) {
        // Out-of-range values would silently disable detection or crash: keep them workable.
        var configuration = configuration
        configuration.baselineSamples = max(configuration.baselineSamples, 3)
        configuration.minimumBaselineSamples = min(
            max(configuration.minimumBaselineSamples, 2), configuration.baselineSamples)
        configuration.maximumProcesses = max(configuration.maximumProcesses, 1)
        configuration.newNormalAfterSamples = max(configuration.newNormalAfterSamples, 1)
        self.configuration = configuration
        rules = ResourceAnomalyRules(configuration)
    }

    /// Processes currently remembered.
    public var trackedProcesses: Int { histories.count }

    /// Takes one sample of one process; returns what it shows that is unusual.
    public mutating func observe(_ sample: ProcessResourcePoint) -> [ResourceAnomaly] {
        observations += 1
        if histories[sample.key] == nil {
            makeRoom()
            histories[sample.key] = ProcessResourceHistory(
                capacity: configuration.baselineSamples, lastSeen: observations)
        }
        histories[sample.key]?.lastSeen = observations
        return histories[sample.key]?.observe(sample, rules: rules) ?? []
    }

    /// Drops what is known about a process (it exited).
    public mutating func forget(_ key: ProcessKey) {
        histories[key] = nil
    }

    /// Evicts the least recently seen process when full. A linear scan: it only runs when the
    /// table is full and a new process arrives, and the monitor forgets exited processes, so
    /// the table is full only on a machine with more live processes than `maximumProcesses`.
    private mutating func makeRoom() {
        guard histories.count >= configuration.maximumProcesses,
            let oldest = histories.min(by: { $0.value.lastSeen < $1.value.lastSeen })?.key
        else { return }
        histories[oldest] = nil
        evictions += 1
    }
}
