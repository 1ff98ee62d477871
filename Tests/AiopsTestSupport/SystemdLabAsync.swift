import Foundation

/// The same lab API for async tests, which is what lab tests should use: every blocking step
/// (booting, nsenter, systemctl, teardown) runs on a thread of its own, and waits sleep the task.
/// A synchronous test that waits seconds for systemd holds one of the cooperative pool's threads
/// (two on a 2-core machine) the whole time; a dozen of them in a row starved the async tests of
/// other suites for 90 s, long enough to break their own timeouts.
extension SystemdLab {
    /// At most two labs boot and run at once per test process (measured fine in
    /// shared/notes/systemd-lab.md); the others wait on their own threads, not the pool's.
    private static let slots = DispatchSemaphore(value: 2)

    /// Boots a lab (waiting for a slot), runs `body`, and tears the lab down however it ends.
    @discardableResult
    public static func with<T: Sendable>(
        readOnlyBinds: [String] = defaultReadOnlyBinds, bootTimeout: Double = 60,
        _ body: (SystemdLab) async throws -> T
    ) async throws -> T {
        let lab = try await offPool {
            slots.wait()
            do {
                return try SystemdLab(readOnlyBinds: readOnlyBinds, bootTimeout: bootTimeout)
            } catch {
                slots.signal()
                throw error
            }
        }
        do {
            let result = try await body(lab)
            await lab.shutdownReleasingSlot()
            return result
        } catch {
            await lab.shutdownReleasingSlot()
            throw error
        }
    }

    private func shutdownReleasingSlot() async {
        _ = try? await offPool {
            self.shutdown()
            Self.slots.signal()
        }
    }

    public func run(_ arguments: [String], timeout: Double = 60) async throws -> CommandResult {
        try await offPool { try self.run(arguments, timeout: timeout) as CommandResult }
    }

    public func systemctl(_ arguments: String...) async throws -> CommandResult {
        try await run(["systemctl"] + arguments)
    }

    public func aiops(_ arguments: [String], timeout: Double = 60) async throws -> CommandResult {
        try await run([BuildProducts.aiops] + arguments, timeout: timeout)
    }

    public func property(_ unit: String, _ property: String) async throws -> String {
        try await run(["systemctl", "show", "--timestamp=us+utc", "-P", property, "--", unit])
            .standardOutput.trimmingCharacters(in: .newlines)
    }

    public func install(unit name: String, contents: String) async throws {
        try await offPool { try self.install(unit: name, contents: contents) as Void }
    }

    public func installProjectUnits(_ names: String...) async throws {
        for name in names {
            let contents = try String(contentsOfFile: Self.unitsDirectory + "/" + name, encoding: .utf8)
            try await install(unit: name, contents: contents)
        }
    }

    public func journal(_ arguments: [String]) async throws -> [[String: Any]] {
        let output = try await run(["journalctl", "--no-pager", "-o", "json"] + arguments).standardOutput
        return output.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    /// Polls `condition` every `interval` seconds (sleeping the task) until it holds or `timeout`
    /// passes. Not faster: each poll inside the lab is three execs (nsenter, env, systemctl), and
    /// the kernel tests that trace every process on the machine have to digest them.
    @discardableResult
    public func waitUntil(
        timeout: Double = patience, interval: Double = 0.2, _ condition: () async throws -> Bool
    ) async rethrows -> Bool {
        try await AiopsTestSupport.waitUntil(timeout: timeout, every: interval, condition)
    }
}

/// Runs blocking work on a new thread and suspends the calling task until it is done.
public func offPool<T>(_ work: @escaping () throws -> T) async throws -> T {
    let box = UncheckedBox(work)
    return try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do {
                continuation.resume(returning: UncheckedBox(try box.value()))
            } catch {
                continuation.resume(throwing: error)
            }
        }
        thread.start()
    }.value
}

private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
