import AiopsCore

/// Samples of every process over a window: CPU used *during* the window (not since start, which
/// is what ps shows), the peak resident set, and when each process was first and last seen.
public struct ProcessWindow: Sendable {
    public struct Entry: Sendable, Hashable {
        public var first: ProcessSample
        public var last: ProcessSample
        public var peakResidentKiB: UInt64?
        public var samples: Int

        /// CPU used between the first and the last sample, as a percentage of one CPU; nil when
        /// the process was sampled once (no interval to measure).
        public var windowCPUPercent: Double? {
            let seconds = last.time.seconds(since: first.time)
            guard samples > 1, seconds > 0 else { return nil }
            let firstTicks = first.stat.userTicks + first.stat.systemTicks
            let lastTicks = last.stat.userTicks + last.stat.systemTicks
            guard lastTicks >= firstTicks else { return nil }
            return Double(lastTicks - firstTicks) / Double(BootInstant.clockTicksPerSecond) / seconds * 100
        }

        /// IO between the first and the last sample; nil when either could not be read (another
        /// user's process without privilege) or the process was sampled once — never a guessed 0.
        public var windowIO: WindowIO? {
            guard samples > 1, let before = first.io, let after = last.io else { return nil }
            func delta(_ value: (ProcIO) -> UInt64) -> UInt64 {
                value(after) >= value(before) ? value(after) - value(before) : 0
            }
            return WindowIO(
                storageReadBytes: delta(\.storageReadBytes), storageWriteBytes: delta(\.storageWriteBytes),
                readCharacters: delta(\.readCharacters), writtenCharacters: delta(\.writtenCharacters))
        }
    }

    /// Bytes moved during the window: to and from storage, and through read/write calls.
    public struct WindowIO: Sendable, Hashable {
        public var storageReadBytes: UInt64
        public var storageWriteBytes: UInt64
        public var readCharacters: UInt64
        public var writtenCharacters: UInt64
    }

    public private(set) var entries: [ProcessKey: Entry] = [:]
    public private(set) var rounds = 0
    public private(set) var firstRound: BootInstant?
    public private(set) var lastRound: BootInstant?

    public init() {}

    /// Adds one round of samples (every process, read at about the same time).
    public mutating func add(_ samples: [ProcessSample], at time: BootInstant) {
        rounds += 1
        if firstRound == nil { firstRound = time }
        lastRound = time
        for sample in samples {
            if var entry = entries[sample.key] {
                entry.last = sample
                entry.samples += 1
                entry.peakResidentKiB = max(entry.peakResidentKiB ?? 0, sample.residentKiB ?? 0)
                entries[sample.key] = entry
            } else {
                entries[sample.key] = Entry(
                    first: sample, last: sample, peakResidentKiB: sample.residentKiB, samples: 1)
            }
        }
    }

    /// Seconds between the first and the last round.
    public var seconds: Double {
        guard let firstRound, let lastRound else { return 0 }
        return lastRound.seconds(since: firstRound)
    }
}
