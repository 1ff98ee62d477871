import AiopsProc
import AiopsTestSupport
import Foundation

/// A test child that is killed and reaped when the test ends, however it ends: tests call
/// `stop()` in a `defer` (which also keeps the object alive to the end of the scope).
final class LiveChild {
    let pid: pid_t
    private var reaped = false

    init(_ arguments: [String]) throws {
        pid = try spawnChild(BuildProducts.testChild, arguments)
    }

    /// Polls (up to `timeout` seconds, a guard against a hang, not a speed check) until the
    /// child's stat satisfies `condition`; returns that stat.
    func waitForStat(timeout: Double = 20, _ condition: (ProcStat) -> Bool) -> ProcStat? {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if let bytes = ProcFS().read("\(pid)/stat").bytes, let stat = ProcStat.parse(bytes),
                condition(stat)
            {
                return stat
            }
            usleep(5_000)
        } while Date() < deadline
        return nil
    }

    /// Reaps the child after it exits by itself, returning its wait status.
    func reap() -> Int32 {
        reaped = true
        return waitForExit(pid)
    }

    /// Kills and reaps the child unless it was reaped already.
    func stop() {
        guard !reaped else { return }
        reaped = true
        kill(pid, SIGKILL)
        waitForExit(pid)
    }

    deinit {
        stop()
    }
}

extension Array where Element == UInt8 {
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}
