/// What `aiops analyze process --resources` was asked to do, checked.
struct ResourceOptions: Sendable {
    /// Below this, sampling costs more than it tells (each sample reads four /proc files and
    /// lists the descriptors).
    static let minimumIntervalNanoseconds: UInt64 = 50_000_000
    /// Samples are kept in memory for the trend: a bound, not a tuning knob.
    static let maximumSamples: UInt64 = 100_000

    var pid: Int32
    var durationNanoseconds: UInt64
    var intervalNanoseconds: UInt64
    var json: Bool
}
