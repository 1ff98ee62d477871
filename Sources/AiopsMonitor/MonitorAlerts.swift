import AiopsAnalyze
import AiopsCore

/// The alerts the detectors' findings become: one readable line, and the numbers as facts.
enum MonitorAlerts {
    static func anomaly(
        _ anomaly: ResourceAnomaly, comm: UntrustedText, unit: String?, clock: WallClock, critical: Bool
    ) -> Alert {
        let subject = "\(comm.terminalSafe) (pid \(anomaly.key.pid))"
        var facts: [Alert.Fact] = [
            .init("comm", .text(comm.lossyString)), .init("current", .number(anomaly.current)),
            .init("baseline", .number(anomaly.baseline)),
            .init("baseline_samples", .integer(Int64(anomaly.baselineSamples))),
            .init("critical", .flag(critical)),
        ]
        if case .leak(let resource) = anomaly.kind {
            facts.insert(.init("resource", .text(resource.rawValue)), at: 1)
            if let slope = anomaly.detail?.slopePerMinute {
                facts.append(.init("slope_per_minute", .number(slope)))
            }
            if let fit = anomaly.detail?.rSquared { facts.append(.init("r_squared", .number(fit))) }
        }
        return Alert(
            kind: anomaly.kind.alertKind, severity: critical ? .critical : .warning,
            unixNanoseconds: clock.unixNanoseconds(anomaly.time), subject: subject, pid: anomaly.key.pid,
            unit: unit,
            summary: "\(subject): \(anomaly.summary)", facts: facts)
    }

    static func forkStorm(
        _ storm: ForkStorm, comm: UntrustedText, unit: String?, clock: WallClock, at now: BootInstant
    ) -> Alert {
        let subject = "\(comm.terminalSafe) (pid \(storm.parent.pid))"
        let rate = QuantityText.decimal(storm.rate, digits: 0)
        let baseline = QuantityText.decimal(storm.baselineRate, digits: 1)
        return Alert(
            kind: .forkStorm, severity: .warning, unixNanoseconds: clock.unixNanoseconds(now),
            subject: subject,
            pid: storm.parent.pid, unit: unit,
            summary: "\(subject) is forking \(rate) processes/s (its baseline: \(baseline)/s)",
            facts: [
                .init("comm", .text(comm.lossyString)), .init("rate_per_s", .number(storm.rate)),
                .init("baseline_per_s", .number(storm.baselineRate)),
                .init("forks", .integer(Int64(storm.forks))),
                .init("window_s", .number(storm.windowSeconds)),
            ])
    }

    static func forkStormEnded(
        _ storm: ForkStorm, comm: UntrustedText, unit: String?, clock: WallClock, at now: BootInstant
    ) -> Alert {
        let subject = "\(comm.terminalSafe) (pid \(storm.parent.pid))"
        let duration: Double
        if case .ended(let seconds) = storm.phase { duration = seconds } else { duration = 0 }
        return Alert(
            kind: .forkStormEnded, severity: .info, unixNanoseconds: clock.unixNanoseconds(now),
            subject: subject, pid: storm.parent.pid, unit: unit,
            summary: "\(subject): fork storm over, \(storm.summary)",
            facts: [
                .init("comm", .text(comm.lossyString)), .init("peak_rate_per_s", .number(storm.rate)),
                .init("forks", .integer(Int64(storm.forks))), .init("duration_s", .number(duration)),
                .init("baseline_per_s", .number(storm.baselineRate)),
            ])
    }

    static func zombies(
        _ accumulation: ZombieAccumulation, comms: [Int32: UntrustedText], clock: WallClock,
        at now: BootInstant
    ) -> Alert {
        var facts: [Alert.Fact] = [
            .init("zombies", .integer(Int64(accumulation.count))),
            .init("oldest_pid", .integer(Int64(accumulation.oldest.pid))),
            .init("oldest_s", .number(accumulation.oldestSeconds)),
        ]
        guard case .parent(let parent) = accumulation.scope else {
            return Alert(
                kind: .zombieAccumulation, severity: .warning, unixNanoseconds: clock.unixNanoseconds(now),
                subject: "system", summary: accumulation.summary, facts: facts)
        }
        let comm = comms[parent] ?? UntrustedText(bytes: [])
        let subject = "\(comm.terminalSafe) (pid \(parent))"
        facts.insert(.init("parent_comm", .text(comm.lossyString)), at: 0)
        facts.append(.init("growing_scans", .integer(Int64(accumulation.growingScans))))
        return Alert(
            kind: .zombieAccumulation, severity: .warning, unixNanoseconds: clock.unixNanoseconds(now),
            subject: subject, pid: parent,
            summary: "\(subject): \(accumulation.summary); the parent does not reap them — fix or restart it",
            facts: facts)
    }
}
