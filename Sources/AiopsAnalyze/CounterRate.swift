import AiopsCore

/// A per-second rate from a cumulative counter (CPU time, bytes of IO) read at intervals.
struct CounterRate: Sendable {
    struct Step: Sendable {
        /// Where the step starts: the rate describes the time from here to the new reading.
        var since: BootInstant
        var perSecond: Double
    }

    private var last: (time: BootInstant, value: UInt64)?

    /// The rate since the previous reading; nil for the first reading, for a reading that is
    /// unknown (the step then spans the gap to the next known one), when no time passed, and when
    /// the counter went backwards — a reset or a misread, not negative work: that step is
    /// skipped and the next one starts from the new value.
    mutating func step(_ value: UInt64?, at time: BootInstant) -> Step? {
        guard let value else { return nil }
        defer { last = (time, value) }
        guard let last, time > last.time, value >= last.value else { return nil }
        return Step(since: last.time, perSecond: Double(value - last.value) / time.seconds(since: last.time))
    }
}
