import AiopsCore

/// A service's restart history, rebuilt from its lifecycle events — never from systemd's
/// NRestarts, which counts automatic restarts only, lives in memory, and is reset by a stop.
/// Pure: the events (journal today; the monitoring store can feed the same `ServiceEvent`s),
/// the kernel's OOM kills and the service's own last log lines come in; episodes come out.
public struct RestartHistory: Sendable {
    public var episodes: [RestartEpisode]
    /// When runs ended that were not interruptions (Unix µs): a run that ended cleanly on its own
    /// and was not restarted by systemd — each run of a oneshot or timer unit, a daemon that
    /// exited 0. A start request (a timer, an operator, another unit) may start the unit again;
    /// that is a new run, not a restart, so these are counted apart and never in the rate.
    public var completedRuns: [Int64]

    /// Inputs beyond the events.
    public struct Context: Sendable {
        /// The unit's cgroup path ("/system.slice/x.service"), to match kernel OOM kills.
        public var controlGroup: String?
        public var kernelOOMKills: [KernelOOMKill]
        /// The service's own last log lines per invocation id.
        public var logTails: [String: [UntrustedText]]

        public init(
            controlGroup: String? = nil, kernelOOMKills: [KernelOOMKill] = [],
            logTails: [String: [UntrustedText]] = [:]
        ) {
            self.controlGroup = controlGroup
            self.kernelOOMKills = kernelOOMKills
            self.logTails = logTails
        }
    }

    /// How far apart a SIGKILL death and a kernel OOM kill of the unit may be to be one event:
    /// the kernel logs before systemd reaps, usually within milliseconds.
    public static let oomMatchWindowMicroseconds: Int64 = 2_000_000

    public init(events: [ServiceEvent], context: Context = Context()) {
        let ordered = events.sorted { $0.time < $1.time }
        let starts = ordered.filter { $0.kind == .started }
        episodes = []
        completedRuns = []
        for run in ServiceRun.group(ordered) {
            switch Self.end(of: run, starts: starts, context: context) {
            case .episode(let episode)?: episodes.append(episode)
            case .completed(let time)?: completedRuns.append(time)
            case nil: break
            }
        }
    }

    /// How a run ended: an interruption (an episode), or a run that simply completed.
    enum RunEnd {
        case episode(RestartEpisode)
        case completed(at: Int64)
    }

    /// The end of a run, or nil for a run that has not ended (the current one).
    static func end(of run: ServiceRun, starts: [ServiceEvent], context: Context) -> RunEnd? {
        let exit = run.last { kind -> ServiceEvent.ProcessExit? in
            if case .processExited(let exit) = kind { return exit }
            return nil
        }
        let firstExit = run.first { kind -> Void? in
            if case .processExited = kind { return () }
            return nil
        }
        let result = run.last { kind -> String? in
            if case .failed(let result) = kind { return result }
            return nil
        }
        let scheduled = run.last { kind -> Int?? in
            if case .restartScheduled(let counter) = kind { return .some(counter) }
            return nil
        }
        let stopJob = run.first { kind -> String?? in
            if case .stopped(let type) = kind { return .some(type) }
            return nil
        }
        let stopping = run.first { $0 == .stopping ? () : nil }
        let dependency = run.first { kind -> Void? in
            if case .startJobFailed("dependency") = kind { return () }
            return nil
        }
        let spawnErrno = run.first { kind -> Int32?? in
            if case .spawnFailed(let number) = kind { return .some(number) }
            return nil
        }
        let core = run.last { kind -> UntrustedText?? in
            if case .coreDumped(_, _, let executable) = kind { return .some(executable) }
            return nil
        }
        let deactivated = run.first { $0 == .deactivated ? () : nil }
        let failedStart = run.first { kind -> String? in
            if case .startJobFailed(let result) = kind { return result }
            return nil
        }
        let signalSent = run.last { kind -> Int32? in
            if case .signalSent(let signal) = kind { return signal }
            return nil
        }

        // The moment the run ended: the exit, else the first sign of an end.
        guard
            let ended = exit?.1 ?? stopping?.1 ?? result?.1 ?? deactivated?.1 ?? stopJob?.1 ?? dependency?.1
                ?? failedStart?.1
        else { return nil }

        // An operator's stop or restart job began before the main process ended: whatever it
        // exited with is how it answered systemd's SIGTERM (a JVM exits 143, some daemons 1),
        // not a failure of the service. The exit stays on the episode as a detail.
        let stoppedByOperator =
            stopping.map { stop in (firstExit?.1 ?? result?.1).map { stop.1 <= $0 } ?? true } ?? false
        let failure =
            result != nil || (exit.map { !$0.0.isClean } ?? false) || run.contains(.oomKilled)
            || run.contains(.watchdogTimeout)
        let cause: RestartEpisode.Cause
        if dependency != nil && exit == nil {
            cause = .dependencyFailed
        } else if stoppedByOperator {
            cause = stopJob?.0 == "restart" ? .manualRestart : .manualStop
        } else if failure {
            cause = failureCause(
                run: run, exit: exit?.0, result: result?.0, spawnErrno: spawnErrno?.0, context: context)
        } else if scheduled != nil {
            cause = .cleanExit  // ended cleanly and systemd's Restart= (always, on-success) restarted it
        } else if let stopJob {
            cause = stopJob.0 == "restart" ? .manualRestart : .manualStop
        } else if let failedStart {
            cause = .other(result: failedStart.0)
        } else {
            // Ended cleanly on its own and systemd did not restart it: a oneshot or timer unit's
            // run, or a daemon that exited 0. Whatever starts it again is a start request, not a
            // restart: counting these would make every timer unit look like a restart loop.
            return .completed(at: ended)
        }
        // A manual stop or restart is measured from the stop request: the service was going down.
        let time = stoppedByOperator ? (stopping?.1 ?? ended) : ended
        // A restart is automatic when systemd scheduled it; a failed run that an operator
        // stopped and started again is a manual restart of a failed service.
        let automatic = scheduled != nil && stopping == nil
        // The next start of another run: a oneshot's own "Finished" comes after its end.
        let recoveredAt = starts.first {
            $0.time > time && (run.invocationID == nil || $0.invocationID != run.invocationID)
        }?.time
        return .episode(
            RestartEpisode(
                invocationID: run.invocationID, cause: cause, time: time, runStartedAt: run.startedAt,
                exit: exit?.0,
                result: result?.0, automatic: automatic, restartCounter: scheduled?.0,
                startLimitHit: run.contains(.startLimitHit) || result?.0 == "start-limit-hit",
                recoveredAt: recoveredAt, coreDumpExecutable: core?.0 ?? nil,
                signalSent: signalSent?.0,
                logTail: run.invocationID.flatMap { context.logTails[$0] } ?? []))
    }

    private static func failureCause(
        run: ServiceRun, exit: ServiceEvent.ProcessExit?, result: String?, spawnErrno: Int32??,
        context: Context
    ) -> RestartEpisode.Cause {
        if run.contains(.oomKilled) || result == "oom-kill" { return .oomKill(evidence: .systemd) }
        if run.contains(.watchdogTimeout) || result == "watchdog" { return .watchdog }
        if let exit, exit.signal == 9, let controlGroup = context.controlGroup,
            let exitTime = run.last(
                { kind -> Void? in
                    if case .processExited = kind { return () }
                    return nil
                })?.1,
            let kill = context.kernelOOMKills.first(where: {
                $0.belongs(toControlGroup: controlGroup)
                    && abs($0.time - exitTime) <= oomMatchWindowMicroseconds
            })
        {
            return .oomKill(evidence: .kernel(kill))
        }
        if result == "timeout" { return .timeout }
        if let exit {
            if let signal = exit.signal, !exit.isClean {
                return .crash(signal: signal, coreDumped: exit.coreDumped)
            }
            if exit.code == .exited, exit.status != 0 {
                return .exitCode(status: exit.status, errno: spawnErrno ?? nil)
            }
        }
        return .other(result: result ?? "unknown")
    }
}
