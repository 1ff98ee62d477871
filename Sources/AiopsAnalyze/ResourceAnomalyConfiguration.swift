extension ResourceAnomalyDetector {
    /// Every threshold of spike and leak detection, with why it has its default. The defaults
    /// assume the monitor's default 10 s interval; they hold for 5–30 s.
    public struct Configuration: Hashable, Sendable {
        /// Points kept per process (the baseline and the leak window): 30 at 10 s is the last
        /// five minutes — long enough to know a process's habit, short enough that the habit is
        /// current. Measured: about 3.8 KiB per process.
        public var baselineSamples = 30
        /// Values a baseline needs before anything is judged against it: a new or short-lived
        /// process has no habit yet (start-up is always "unusual"), and σ from fewer than 6
        /// values is too unstable to mean anything.
        public var minimumBaselineSamples = 6
        /// Processes tracked at once; the least recently seen is forgotten beyond it. A server's
        /// few hundred processes take a megabyte or two; the cap bounds a machine with tens of
        /// thousands to about 30 MiB, within the daemon's 100 MB budget.
        public var maximumProcesses = 8192
        /// A spike whose raised level lasts this many samples (2 minutes at 10 s) is a change of
        /// workload: its values then enter the baseline. Bursts — a GC, a cron job, a cache
        /// rebuild — end well before, so they never become the normal.
        public var newNormalAfterSamples = 12

        /// CPU in percent of one core. +50 points: half a core more than usual for a whole
        /// interval; ordinary request handling moves less, and at 100 clock ticks per second a
        /// 10 s interval measures CPU to 0.1 point, so rounding never makes one.
        public var cpu = SpikeRule(absoluteIncrease: 50)
        /// Resident bytes. +256 MiB: RSS moves by tens of MiB when a process maps a file, fills
        /// a cache or touches a fresh malloc arena (up to 64 MiB each with 64-bit glibc); a
        /// quarter GiB more than usual is memory a server notices.
        public var memory = SpikeRule(absoluteIncrease: 256 * 1_048_576)
        /// Storage bytes per second. +32 MiB/s: over a 10 s interval that is 320 MiB moved, a
        /// share of any disk (an HDD streams ~150 MB/s); logging and reading configuration are
        /// orders of magnitude below.
        public var io = SpikeRule(absoluteIncrease: 32 * 1_048_576)

        /// Resident memory: at least 32 MiB of steady growth over the window, sustained for two
        /// minutes. Smaller steady growth over five minutes is a heap settling; warm-up (caches
        /// and pools filling as work arrives) rarely grows in a straight line that long. The
        /// window of 30 samples covers 2 minutes from a 5 s interval up.
        public var memoryLeak = ResourceAnomalyDetector.leakThresholds(
            minimumGrowth: 32 * 1_048_576, base: .memory)
        /// Open descriptors: 16 more, steadily, within the window — at least 3 a minute, which
        /// exhausts the usual 1024 soft limit within hours. A connection pool growing by a few
        /// under load is not that.
        public var openFilesLeak = ResourceAnomalyDetector.leakThresholds(minimumGrowth: 16, base: .count)
        /// Threads: 8 more, steadily. Thread pools grow in bursts to a size and stop; a thread
        /// leak adds them one by one and never stops.
        public var threadsLeak = ResourceAnomalyDetector.leakThresholds(minimumGrowth: 8, base: .count)

        public init() {}
    }

    static func leakThresholds(minimumGrowth: Double, base: GrowthDetector.Thresholds)
        -> GrowthDetector.Thresholds
    {
        var thresholds = base
        thresholds.minimumAbsoluteGrowth = minimumGrowth
        thresholds.minimumWindowSeconds = 120
        return thresholds
    }
}
