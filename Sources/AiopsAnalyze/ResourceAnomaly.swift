import AiopsCore

/// Something unusual in one process's resources: a spike against its own recent baseline, or
/// sustained growth.
public struct ResourceAnomaly: Hashable, Sendable {
    public enum LeakResource: String, Hashable, Sendable, CaseIterable {
        case memory
        case openFiles = "open_files"
        case threads
    }

    public enum Kind: Hashable, Sendable {
        case cpuSpike
        case memorySpike
        case ioSpike
        case leak(LeakResource)

        public var alertKind: Alert.Kind {
            switch self {
            case .cpuSpike: return .cpuSpike
            case .memorySpike: return .memorySpike
            case .ioSpike: return .ioSpike
            case .leak: return .resourceLeak
            }
        }
    }

    public var key: ProcessKey
    public var kind: Kind
    /// The sample that showed it.
    public var time: BootInstant
    /// The latest value, in the resource's unit: percent of one core (CPU; 250 = two and a half
    /// cores), bytes (memory), bytes per second (IO), a count (descriptors, threads).
    public var current: Double
    /// The mean of the values it was judged against (for a leak, of the analysed window).
    public var baseline: Double
    public var baselineSamples: Int
    /// How much time those values cover.
    public var baselineSeconds: Double
    /// The growth analysis behind a leak.
    public var detail: GrowthAnalysis?
    /// One line for an operator: "CPU 97% of a core, baseline 3.0% over the last 4m50s".
    public var summary: String

    public init(
        key: ProcessKey, kind: Kind, time: BootInstant, current: Double, baseline: Double,
        baselineSamples: Int, baselineSeconds: Double, detail: GrowthAnalysis? = nil, summary: String
    ) {
        self.key = key
        self.kind = kind
        self.time = time
        self.current = current
        self.baseline = baseline
        self.baselineSamples = baselineSamples
        self.baselineSeconds = baselineSeconds
        self.detail = detail
        self.summary = summary
    }
}
