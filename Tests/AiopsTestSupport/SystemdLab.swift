import Foundation

/// A real systemd 252 (PID 1) with journald, booted in a container by `tools/systemd-lab/lab-boot`
/// for the length of a test: install unit files, run `systemctl`, `journalctl` or `aiops` inside,
/// read the journal, and tear it all down. The host's PID 1 is not systemd, so every systemd
/// feature is tested against this. See shared/notes/systemd-lab.md and tools/systemd-lab/README.md.
///
/// Use `SystemdLab.with { lab in … }`: it tears the lab down however the body ends. A lab that
/// cannot boot throws `SystemdLab.Failure` carrying the console log, so the test fails with the
/// reason — it never skips.
public final class SystemdLab: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var consoleLog: String

        public var description: String {
            let log = consoleLog.split(separator: "\n", omittingEmptySubsequences: false).suffix(60)
            return "systemd lab: \(message)\n--- console log (last 60 lines) ---\n"
                + log.joined(separator: "\n")
        }
    }

    /// The machine name, also the container's hostname.
    public let name: String
    /// The container's PID 1 as the host sees it.
    public let leader: pid_t
    /// Host directory with machine-id, journal/ and console.log.
    public let stateDirectory: String
    private let nspawn: Process
    private let lock = NSLock()
    private var isShutDown = false

    /// The repository's root, found from this file's path (Tests/AiopsTestSupport/SystemdLab.swift).
    public static let repositoryRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    public static var toolsDirectory: String { repositoryRoot + "/tools/systemd-lab" }

    /// The project's own lab units (tools/systemd-lab/units).
    public static var unitsDirectory: String { toolsDirectory + "/units" }

    /// What the tests need inside: the build products (aiops and the test child) and the
    /// directory of the Swift runtime libraries a debug build loads.
    public static var defaultReadOnlyBinds: [String] {
        [BuildProducts.directory.path] + (swiftRuntimeDirectory.map { [$0] } ?? [])
    }

    /// The directory holding the libswiftCore.so this test process runs with.
    public static let swiftRuntimeDirectory: String? = {
        guard let maps = readProcFile("/proc/self/maps") else { return nil }
        for line in maps.split(separator: "\n") {
            guard let slash = line.firstIndex(of: "/") else { continue }
            let path = String(line[slash...])
            if path.hasSuffix("/libswiftCore.so") {
                return URL(fileURLWithPath: path).deletingLastPathComponent().path
            }
        }
        return nil
    }()

    /// /proc files report a size of 0 (or a page): read them to the end, not by their size.
    static func readProcFile(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
    }

    private static let counter = NSLock()
    nonisolated(unsafe) private static var booted = 0

    /// Boots a lab, runs `body`, and tears the lab down, also when `body` throws.
    @discardableResult
    public static func with<T>(
        readOnlyBinds: [String] = defaultReadOnlyBinds, bootTimeout: Double = 60,
        _ body: (SystemdLab) throws -> T
    ) throws -> T {
        let lab = try SystemdLab(readOnlyBinds: readOnlyBinds, bootTimeout: bootTimeout)
        defer { lab.shutdown() }
        return try body(lab)
    }

    /// Boots and waits until `systemctl is-system-running` says running (or degraded).
    public init(readOnlyBinds: [String] = defaultReadOnlyBinds, bootTimeout: Double = 60) throws {
        let serial = Self.counter.withLock {
            // Once per test process: labs left running by a test process that was killed.
            if Self.booted == 0 {
                _ = try? runCommand(Self.toolsDirectory + "/lab-cleanup", ["--stale"], timeout: 30)
            }
            Self.booted += 1
            return Self.booted
        }
        name = "aiops-\(getpid())-\(serial)"
        let template = "/tmp/aiops-lab-state.XXXXXX"
        var bytes = Array(template.utf8CString)
        stateDirectory = bytes.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }

        nspawn = Process()
        nspawn.executableURL = URL(fileURLWithPath: Self.toolsDirectory + "/lab-boot")
        nspawn.arguments = [name, stateDirectory] + readOnlyBinds.flatMap { ["--bind-ro", $0] }
        nspawn.standardInput = FileHandle.nullDevice
        nspawn.standardOutput = FileHandle.nullDevice
        _ = FileManager.default.createFile(atPath: stateDirectory + "/lab-boot.log", contents: nil)
        nspawn.standardError = FileHandle(forWritingAtPath: stateDirectory + "/lab-boot.log")
        do {
            try nspawn.run()
        } catch {
            let failure = Failure(message: "cannot run lab-boot: \(error)", consoleLog: "")
            try? FileManager.default.removeItem(atPath: stateDirectory)
            throw failure
        }

        let deadline = Date().addingTimeInterval(bootTimeout)
        var found: pid_t?
        while found == nil {
            found = Self.leader(of: nspawn.processIdentifier)
            if found != nil { break }
            if !nspawn.isRunning || Date() > deadline {
                leader = 0
                let failure = Failure(
                    message: nspawn.isRunning
                        ? "no container PID 1 after \(Int(bootTimeout)) s" : "nspawn exited during boot",
                    consoleLog: Self.logs(stateDirectory))
                shutdown()
                throw failure
            }
            usleep(20_000)
        }
        leader = found!

        var state = ""
        while true {
            state = (try? run(["systemctl", "is-system-running"], timeout: 10).standardOutput) ?? ""
            state = state.trimmingCharacters(in: .whitespacesAndNewlines)
            if state == "running" || state == "degraded" { break }
            if !nspawn.isRunning || Date() > deadline {
                let failure = Failure(
                    message: "systemd did not reach running within \(Int(bootTimeout)) s (state: \(state))",
                    consoleLog: Self.logs(stateDirectory))
                shutdown()
                throw failure
            }
            usleep(100_000)  // each poll is three execs: see waitUntil
        }
    }

    deinit {
        shutdown()
    }

    /// What the container printed while booting (and lab-boot's own errors).
    public var consoleLog: String { Self.logs(stateDirectory) }

    private static func logs(_ directory: String) -> String {
        let console = (try? String(contentsOfFile: directory + "/console.log", encoding: .utf8)) ?? ""
        let boot = (try? String(contentsOfFile: directory + "/lab-boot.log", encoding: .utf8)) ?? ""
        return boot.isEmpty ? console : boot + "\n" + console
    }

    /// The child of `nspawn` that is PID 1 in its own pid namespace (nspawn 252 has no --pidfile).
    static func leader(of nspawn: pid_t) -> pid_t? {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(nspawn)/task")) ?? []
        for task in tasks {
            guard
                let children = readProcFile("/proc/\(nspawn)/task/\(task)/children")
            else { continue }
            for child in children.split(separator: " ").compactMap({ pid_t($0) }) {
                guard let status = readProcFile("/proc/\(child)/status")
                else { continue }
                let nspid = status.split(separator: "\n").first { $0.hasPrefix("NSpid:") }
                if let nspid, nspid.split(whereSeparator: { $0 == " " || $0 == "\t" }).last == "1" {
                    return child
                }
            }
        }
        return nil
    }

    /// Runs `arguments` inside the container (all its namespaces, a clean environment) and
    /// waits for it. The command is an argv, never a shell line.
    public func run(_ arguments: [String], timeout: Double = 60) throws -> CommandResult {
        let environment = [
            "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "LANG=C.UTF-8", "SYSTEMD_PAGER=",
            "SYSTEMD_COLORS=0", "NO_COLOR=1", "SWIFT_BACKTRACE=enable=no",
        ]
        return try runCommand(
            "/usr/bin/nsenter", ["-t", "\(leader)", "-a", "/usr/bin/env", "-i"] + environment + arguments,
            timeout: timeout)
    }

    public func systemctl(_ arguments: String...) throws -> CommandResult {
        try run(["systemctl"] + arguments)
    }

    /// Runs the aiops binary under test inside the container.
    public func aiops(_ arguments: [String], timeout: Double = 60) throws -> CommandResult {
        try run([BuildProducts.aiops] + arguments, timeout: timeout)
    }

    /// One property of a unit, as `systemctl show -P` prints it (times with µs, in UTC).
    public func property(_ unit: String, _ property: String) throws -> String {
        try run(["systemctl", "show", "--timestamp=us+utc", "-P", property, "--", unit])
            .standardOutput.trimmingCharacters(in: .newlines)
    }

    /// Writes a unit file into the container's /etc/systemd/system and reloads systemd.
    public func install(unit name: String, contents: String) throws {
        let directory = "/proc/\(leader)/root/etc/systemd/system"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try contents.write(toFile: directory + "/" + name, atomically: false, encoding: .utf8)
        let reload = try systemctl("daemon-reload")
        guard reload.status == 0 else {
            throw Failure(message: "daemon-reload failed: \(reload.standardError)", consoleLog: consoleLog)
        }
    }

    /// Installs units shipped in tools/systemd-lab/units, by file name.
    public func installProjectUnits(_ names: String...) throws {
        for name in names {
            let contents = try String(contentsOfFile: Self.unitsDirectory + "/" + name, encoding: .utf8)
            try install(unit: name, contents: contents)
        }
    }

    /// The journal entries `journalctl ARGUMENTS -o json` prints inside, one object per entry.
    public func journal(_ arguments: [String]) throws -> [[String: Any]] {
        let result = try run(["journalctl", "--no-pager", "-o", "json"] + arguments)
        return result.standardOutput.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    /// Polls `condition` every 50 ms until it holds or `timeout` passes; the last answer. In an
    /// async test the task-sleeping version (SystemdLabAsync) is taken instead.
    @_disfavoredOverload
    @discardableResult
    public func waitUntil(timeout: Double = patience, _ condition: () throws -> Bool) rethrows -> Bool {
        try AiopsTestSupport.waitUntil(timeout: timeout, every: 0.05, condition)
    }

    /// Halts the container (SIGTERM to nspawn: a clean shutdown in a fraction of a second; SIGKILL
    /// after 10 s), reaps it, removes its cgroups and its state directory. Idempotent.
    public func shutdown() {
        let first = lock.withLock {
            defer { isShutDown = true }
            return !isShutDown
        }
        guard first else { return }
        if nspawn.isRunning {
            kill(nspawn.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(10)
            while nspawn.isRunning && Date() < deadline { usleep(20_000) }
            if nspawn.isRunning {
                if leader > 0 { kill(leader, SIGKILL) }
                kill(nspawn.processIdentifier, SIGKILL)
            }
            nspawn.waitUntilExit()
        }
        _ = try? runCommand(Self.toolsDirectory + "/lab-cleanup", [name], timeout: 30)
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }
}
