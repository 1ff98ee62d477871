import AiopsAnalyze
import AiopsCore
import AiopsPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// Words for restart episodes.
enum RestartEpisodeText {
    /// "Crash (SIGSEGV, core dumped)", "Manual restart", "Exit code 203 (EXEC)".
    static func title(_ episode: RestartEpisode) -> String {
        var cause = self.cause(episode.cause)
        if episode.cause == .cleanExit, let signal = episode.signalSent {
            cause = "Ended by \(SignalName.of(signal)) from systemctl kill"
        }
        return episode.startLimitHit ? "Start limit hit after: \(cause)" : cause
    }

    static func cause(_ cause: RestartEpisode.Cause) -> String {
        switch cause {
        case .crash(let signal, let core):
            return "Crash (\(SignalName.of(signal))\(core ? ", core dumped" : ""))"
        case .exitCode(let status, _):
            return "Exit code \(status)" + (ExitCodeMeaning.of(status).map { " (\($0))" } ?? "")
        case .oomKill(.systemd): return "OOM kill (systemd)"
        case .oomKill(.kernel(let kill)):
            return kill.isCgroupLimit ? "OOM kill (memory cgroup limit)" : "OOM kill (system out of memory)"
        case .watchdog: return "Watchdog timeout"
        case .timeout: return "Timeout"
        case .manualRestart: return "Manual restart"
        case .manualStop: return "Manual stop"
        case .dependencyFailed: return "Dependency failed"
        case .cleanExit: return "Exited cleanly"
        case .other(let result): return "Failed (\(result))"
        }
    }

    /// The detail lines under an episode.
    static func details(_ episode: RestartEpisode, unit: String) -> [String] {
        var lines: [String] = []
        switch episode.cause {
        case .crash(let signal, _):
            lines.append(
                "Cause: killed by \(SignalName.of(signal))" + (signalMeaning(signal).map { " (\($0))" } ?? "")
            )
        case .exitCode(_, let number):
            if let exit = episode.exit { lines.append("Cause: main process " + ServiceEventText.exit(exit)) }
            if let number {
                lines.append("Spawn error: errno \(number) (\(ErrnoText.message(number)))")
            }
        case .oomKill(.kernel(let kill)):
            // The task name is the process's own (prctl can put an escape sequence in it).
            var text =
                "Kernel: killed \(safe(kill.command)) (host pid \(kill.pid)) in \(safe(kill.taskCgroup))"
            if let rss = kill.anonymousResidentKB { text += ", anon RSS \(QuantityText.bytes(rss &* 1024))" }
            lines.append(text)
        case .oomKill(.systemd): lines.append("Cause: systemd reported the OOM killer acted in the unit")
        case .manualRestart:
            lines.append("Cause: systemctl restart \(unit) (the journal does not record who)")
            lines += stopReaction(episode)
        case .manualStop:
            lines.append("Cause: systemctl stop \(unit)" + (episode.restarted ? ", started again later" : ""))
            lines += stopReaction(episode)
        case .dependencyFailed: lines.append("Cause: a unit it Requires= failed to start")
        case .cleanExit:
            // systemd logs a clean exit (0, SIGTERM…) at debug level: often nothing says which.
            if let signal = episode.signalSent {
                lines.append(
                    "Cause: systemctl kill sent \(SignalName.of(signal)) to the main process; systemd counts that "
                        + "death as clean")
            } else if let exit = episode.exit {
                lines.append("Cause: main process " + ServiceEventText.exit(exit))
            } else {
                lines.append(
                    "Cause: the main process ended cleanly (exit 0, or SIGTERM, SIGHUP, SIGINT, SIGPIPE: "
                        + "systemd logs which only for failures)")
            }
        case .watchdog, .timeout, .other:
            if let result = episode.result { lines.append("Result: \(result)") }
        }
        if let signal = episode.signalSent, episode.cause != .cleanExit {
            lines.append("Signal: systemctl kill sent \(SignalName.of(signal)) to the main process")
        }
        if episode.automatic {
            lines.append(
                "Restart: automatic, by systemd's Restart="
                    + (episode.restartCounter.map { " (its counter at \($0))" } ?? ""))
        } else if episode.restarted, episode.cause != .manualRestart, episode.cause != .manualStop {
            lines.append(
                "Restart: not by systemd; started again by a start request (an operator or another unit)")
        }
        if let uptime = episode.uptimeSeconds {
            lines.append("Had run for: \(DurationText.format(seconds: uptime))")
        }
        if let recovery = episode.recoverySeconds {
            lines.append("Recovery time: \(DurationText.format(seconds: recovery))")
        } else if episode.startLimitHit {
            lines.append("Not restarted: the start limit was hit; the service stayed down")
        } else {
            lines.append("Not started again (yet)")
        }
        if let executable = episode.coreDumpExecutable {
            lines.append("Core dump: recorded by systemd-coredump for \(executable.terminalSafe)")
        }
        return lines
    }

    static func safe(_ text: String) -> String { UntrustedText(bytes: Array(text.utf8)).terminalSafe }

    /// How the main process answered the stop's SIGTERM when that was not clean (a JVM exits 143):
    /// systemd then says "Failed with result 'exit-code'", but the operator's stop ended the run.
    static func stopReaction(_ episode: RestartEpisode) -> [String] {
        guard let exit = episode.exit, !exit.isClean else { return [] }
        // Result 'timeout' with a SIGKILL: the process outlived the stop's SIGTERM and
        // TimeoutStopSec=, and systemd killed it; every stop of it takes that long.
        if episode.result == "timeout", exit.code == .killed, exit.status == 9 {
            return [
                "The main process ignored the stop's SIGTERM: systemd killed it with SIGKILL when "
                    + "TimeoutStopSec= ran out (result 'timeout'); each stop waits that long and loses "
                    + "its clean shutdown"
            ]
        }
        var line =
            "On the stop's SIGTERM the main process \(ServiceEventText.exit(exit)): how it answers a stop, "
        line += "not a failure"
        if exit.code == .exited { line += " (SuccessExitStatus=\(exit.status) would make it clean)" }
        return [line]
    }

    /// What the monitoring daemon saw of the death: the process, who sent the signal, and its
    /// resources at the end (the exit event's CPU time and peak RSS, the last sample's memory,
    /// threads, fds).
    static func monitorDeath(_ record: ExitRecord) -> [String] {
        var process = "Monitor: pid \(record.pid) (\(record.comm.terminalSafe))"
        if let killer = record.killerPID {
            let name = record.killerComm.map { " (\($0.terminalSafe))" } ?? ""
            process +=
                killer == record.pid ? ", signal sent by itself" : ", signal sent by pid \(killer)\(name)"
        }
        var lines = [process]
        let snapshot = record.snapshot
        var facts: [String] = []
        if let cpu = snapshot?.cpuNanoseconds {
            facts.append("CPU \(QuantityText.decimal(Double(cpu) / 1e9, digits: 2)) s")
        }
        // The last sample's RSS may be an interval old; the peak is the kernel's high-water mark.
        let peak = record.peakResidentBytes.map { "peak \(QuantityText.bytes($0))" }
        if let rss = snapshot?.residentBytes {
            facts.append("RSS \(QuantityText.bytes(rss))" + (peak.map { " (\($0))" } ?? ""))
        } else if let peak {
            facts.append("RSS \(peak)")
        }
        if let threads = snapshot?.threads { facts.append("\(threads) thread\(threads == 1 ? "" : "s")") }
        if let files = snapshot?.openFiles { facts.append("\(files) open file\(files == 1 ? "" : "s")") }
        if let read = snapshot?.readBytes, let written = snapshot?.writeBytes {
            facts.append("IO \(QuantityText.bytes(read)) read, \(QuantityText.bytes(written)) written")
        }
        if !facts.isEmpty { lines.append("At death: " + facts.joined(separator: ", ")) }
        return lines
    }

    static func signalMeaning(_ signal: Int32) -> String? {
        switch signal {
        case 6: return "abort: an assertion or abort()"
        case 7: return "bus error"
        case 8: return "arithmetic error"
        case 9: return "killed; an OOM kill on cgroup v1 looks the same"
        case 4: return "illegal instruction"
        case 11: return "segmentation fault"
        default: return nil
        }
    }
}
