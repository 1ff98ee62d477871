import AiopsCore
import AiopsMonitor
import AiopsStore

/// The daemon's side of the history: records gathered between ticks and written in one
/// transaction a second; a history that cannot be opened or written is reported once, and
/// monitoring goes on without it.
final class HistoryWriter {
    let path: String?
    private var store: HistoryStore?
    private var pending: [HistoryEntry] = []
    /// Records dropped because the history could not take them, for the summary.
    private(set) var dropped: UInt64 = 0
    private(set) var stored: UInt64 = 0

    /// Opens the history at `path` (nil: none). Returns the writer and the alerts and notes its
    /// opening produced (a damaged file set aside, a history that cannot be kept). Throws a
    /// usage error when what is at `path` is not aiops's (another file, a device, a link): the
    /// operator named the wrong path, and monitoring must not start on a guess.
    static func open(
        path: String?, limits: HistoryLimits, clock: WallClock
    ) throws(AiopsError) -> (HistoryWriter, alerts: [Alert], note: String?) {
        guard let path else { return (HistoryWriter(path: nil, store: nil), [], "history: off") }
        let now = clock.unixNanoseconds(BootInstant.now())
        do throws(HistoryStoreError) {
            let (store, report) = try HistoryStore.open(at: path, limits: limits)
            return (
                HistoryWriter(path: path, store: store), report.alert(at: now).map { [$0] } ?? [],
                report.description
            )
        } catch  where error.kind == .refused {
            throw AiopsError(
                .usage, error.message, hint: "--history names the file aiops keeps; --no-history keeps none")
        } catch {
            let alert = Alert(
                kind: .monitorProblem, severity: .critical, unixNanoseconds: now, subject: "history \(path)",
                summary:
                    "no history can be kept at \(path): \(error.message); monitoring continues without it",
                facts: [.init("path", .text(path)), .init("error", .text(error.message))])
            return (
                HistoryWriter(path: path, store: nil), [alert],
                "history \(path): unavailable (\(error.message))"
            )
        }
    }

    private init(path: String?, store: HistoryStore?) {
        self.path = path
        self.store = store
    }

    func add(_ output: MonitorOutput) {
        guard store != nil else { return }
        pending += output.exits.map(HistoryEntry.exit)
        pending += output.restarts.map(HistoryEntry.restart)
        pending += output.forkStorms.map(HistoryEntry.forkStorm)
        pending += output.alerts.map(HistoryEntry.alert)
        // A storm of exits faster than a second's writes: the oldest go, counted.
        if pending.count > 50_000 {
            let excess = pending.count - 50_000
            pending.removeFirst(excess)
            dropped += UInt64(excess)
        }
    }

    /// Writes what is pending. Returns the alert to raise when writing starts failing (once per
    /// failing period), and a line when it recovers.
    func flush(clock: WallClock) -> (alert: Alert?, note: String?) {
        guard let store, !pending.isEmpty else { return (nil, nil) }
        let count = UInt64(pending.count)
        let result = store.record(pending)
        pending.removeAll(keepingCapacity: true)
        switch result {
        case .stored:
            stored += count
            return (nil, nil)
        case .dropped:
            dropped += count
            return (nil, nil)
        case .startedFailing(let problem):
            dropped += count
            return (problem.alert(path: store.path, at: clock.unixNanoseconds(BootInstant.now())), nil)
        case .recovered(let lost):
            stored += count
            return (nil, "history \(store.path): writing again (\(lost) records were lost meanwhile)")
        }
    }

    func close() {
        store?.close()
        store = nil
    }
}
