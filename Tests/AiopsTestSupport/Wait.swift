import Foundation

/// Waiting for a condition instead of sleeping a fixed time.
///
/// The machines that run this suite are shared: another build or a busy loop may hold a core, and
/// then a child takes seconds to start and a daemon seconds to write its pid file. A fixed sleep is
/// either too short there or wasted everywhere else, so a test waits for what it needs (a line, a
/// file, a process state) and goes on the moment it holds.
///
/// `patience` is a *failure* deadline only: it decides when a test stops waiting for something that
/// is not going to happen, never whether the machine was fast enough. Keep it generous; a test that
/// wants a time limit on the product belongs in Benchmarks.
public let patience: Double = 60

/// Polls `condition` until it holds (true) or `timeout` seconds pass (false, after a last look).
/// For synchronous tests and for helpers that run on threads of their own. Disfavoured: in an
/// async test the compiler takes the version below, which leaves the thread to the others (the
/// collectors' consumers run on the same small pool: blocking it starves them of events).
@_disfavoredOverload
@discardableResult
public func waitUntil(
    timeout: Double = patience, every interval: Double = 0.01, _ condition: () throws -> Bool
) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(useconds_t(interval * 1e6))
    }
    return try condition()
}

/// Like `waitUntil`, but sleeps the task between polls: an async test that waits long must not hold
/// one of Swift Testing's few cooperative threads away from the other suites.
@discardableResult
public func waitUntil(
    timeout: Double = patience, every interval: Double = 0.02, _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(nanoseconds: UInt64(interval * 1e9))
    }
    return try await condition()
}

/// The one-letter state of `pid` from /proc/PID/stat ("R", "S", "Z"…), nil once it is gone.
public func processState(_ pid: pid_t) -> String? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return nil }
    return stat[close...].dropFirst(2).first.map(String.init)
}

/// Whether `pid` holds an attached BPF program (a `bpf_link` descriptor): the moment a tracer
/// sees events, for commands that print no line when they start (`collect --duration`).
public func hasAttachedBPF(_ pid: pid_t) -> Bool {
    let directory = "/proc/\(pid)/fd"
    guard let descriptors = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
        return false
    }
    return descriptors.contains {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: directory + "/" + $0))
            == "anon_inode:bpf_link"
    }
}

/// The name the kernel has for `pid` (/proc/PID/comm, without its newline), nil once it is gone.
public func processName(_ pid: pid_t) -> String? {
    guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/comm") else { return nil }
    return String(decoding: data.dropLast(), as: UTF8.self)
}

/// Waits until `pid` sleeps (state S): a child started to wait (`sleep`, `linger`) has got there,
/// past its exec and its start-up, so what the test does next happens to a process in its wait.
@discardableResult
public func waitUntilAsleep(_ pid: pid_t) -> Bool {
    waitUntil(every: 0.002) { processState(pid) == "S" }
}
