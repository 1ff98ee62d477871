import AiopsCore

/// Joins restart episodes rebuilt from the journal with the deaths the monitoring daemon
/// recorded (its history): the daemon knows what the journal does not — who sent the signal,
/// and the process's resources when it died.
///
/// systemd's journal names no pid for a main process's exit, so a record matches an episode by
/// what both saw: the same end (signal, or exit status), in the same unit, close in time. The
/// journal's time is when systemd logged the exit (after SIGCHLD), the record's when the kernel
/// ended the process: `toleranceNanoseconds` covers the gap on a busy host. Each record is used
/// once, by the closest episode.
public enum MonitorDeathMatcher {
    public static let toleranceNanoseconds: Int64 = 2_000_000_000

    /// `episodes[i]` → the record of its death, for the episodes a record matches.
    public static func match(_ episodes: [RestartEpisode], with records: [ExitRecord]) -> [Int: ExitRecord] {
        var candidates: [(distance: Int64, episode: Int, record: Int)] = []
        for (episodeIndex, episode) in episodes.enumerated() {
            guard let exit = episode.exit else { continue }
            let episodeNanoseconds = episode.time &* 1_000
            for (recordIndex, record) in records.enumerated() where sameEnd(exit, record.status) {
                let distance = abs(record.unixNanoseconds &- episodeNanoseconds)
                if distance <= toleranceNanoseconds {
                    candidates.append((distance, episodeIndex, recordIndex))
                }
            }
        }
        // Closest pairs first, each episode and each record taken once.
        var matches: [Int: ExitRecord] = [:]
        var usedRecords: Set<Int> = []
        for candidate in candidates.sorted(by: { $0.distance < $1.distance })
        where matches[candidate.episode] == nil && !usedRecords.contains(candidate.record) {
            matches[candidate.episode] = records[candidate.record]
            usedRecords.insert(candidate.record)
        }
        return matches
    }

    /// Whether systemd's view of the exit and the kernel's status describe the same end.
    static func sameEnd(_ exit: ServiceEvent.ProcessExit, _ status: ExitStatus?) -> Bool {
        guard let status else { return false }
        switch exit.code {
        case .exited: return status.exitCode == exit.status
        case .killed, .dumped: return status.signal == exit.status
        }
    }
}
