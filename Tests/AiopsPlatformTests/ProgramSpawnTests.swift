import Testing

@testable import AiopsPlatform

#if canImport(Glibc)
    import Glibc
#endif

@Suite("ProgramSpawn")
struct ProgramSpawnTests {
    private let environment = ["PATH=/usr/bin:/bin", "LANG=C.UTF-8"]

    private func shell(_ script: String) -> ProgramSpawn {
        var spawn = ProgramSpawn(["/bin/sh", "-c", script], environment: environment)
        spawn.output = .capture(limit: 1 << 20)
        spawn.error = .capture(limit: 1 << 20)
        return spawn
    }

    @Test("argv reaches the program unsplit, and its output and exit status come back")
    func argvAndStatus() throws {
        var spawn = ProgramSpawn(["/bin/echo", "a b", "$HOME", ";", "*"], environment: environment)
        spawn.output = .capture(limit: 1024)
        let outcome = try spawn.run(timeoutSeconds: 60)
        #expect(outcome.ending == .exited(0))
        #expect(String(decoding: outcome.standardOutput, as: UTF8.self) == "a b $HOME ; *\n")
        let failing = try shell("echo oops >&2; exit 3").run(timeoutSeconds: 60)
        #expect(failing.ending == .exited(3))
        #expect(failing.shellStatus == 3)
        #expect(String(decoding: failing.standardError, as: UTF8.self) == "oops\n")
    }

    @Test("stdin bytes are written and closed")
    func input() throws {
        var spawn = shell("cat")
        spawn.input = .bytes(Array(repeating: 65, count: 300_000))
        let outcome = try spawn.run(timeoutSeconds: 60)
        #expect(outcome.ending == .exited(0))
        #expect(outcome.standardOutput.count == 300_000)
    }

    @Test("output past the limit is read and dropped, and flagged")
    func cap() throws {
        var spawn = shell("head -c 200000 /dev/zero")
        spawn.output = .capture(limit: 1000)
        let outcome = try spawn.run(timeoutSeconds: 60)
        #expect(outcome.ending == .exited(0))
        #expect(outcome.standardOutput.count == 1000)
        #expect(outcome.outputTruncated)
        #expect(!outcome.errorTruncated)
    }

    @Test("a program that outlives its deadline is killed with its process group and reaped")
    func timeout() throws {
        var spawn = shell("sleep 600 & echo $!; wait")
        spawn.grouping = .ownProcessGroup
        let outcome = try spawn.run(timeoutSeconds: 0.5)
        #expect(outcome.ending == .timedOut)
        #expect(outcome.shellStatus == 137)
        let text = String(decoding: outcome.standardOutput, as: UTF8.self)
        let grandchild = Int32(text.split(separator: "\n").first ?? "") ?? 0
        #expect(grandchild > 0)
        // The grandchild got SIGKILL with the group: once reaped by init it is gone.
        var gone = false
        for _ in 0..<500 where !gone {
            gone = kill(grandchild, 0) != 0 || isZombie(grandchild)
            if !gone { usleep(10_000) }
        }
        #expect(gone)
    }

    @Test("cancellation kills the program")
    func cancel() throws {
        let spawn = shell("sleep 600")
        let start = monotonicNanoseconds()
        let outcome = try spawn.run(
            timeoutSeconds: 600, isCancelled: { monotonicNanoseconds() - start > 100_000_000 })
        #expect(outcome.ending == .cancelled)
    }

    @Test("the output handler can stop the program early")
    func stopEarly() throws {
        var spawn = shell("while :; do echo line; done")
        spawn.output = .capture(limit: 0)
        var chunks = 0
        let outcome = try spawn.run(timeoutSeconds: 60) { _ in
            chunks += 1
            return chunks < 3
        }
        #expect(outcome.ending == .stopped)
        #expect(chunks == 3)
        #expect(outcome.standardOutput.isEmpty)
    }

    @Test("the child starts with default signal dispositions and an empty mask, in its directory")
    func cleanStart() throws {
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGUSR1)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        let oldPipe = signal(SIGPIPE, SIG_IGN)
        defer {
            pthread_sigmask(SIG_SETMASK, &previous, nil)
            signal(SIGPIPE, oldPipe)
        }
        var spawn = shell("grep -E '^Sig(Blk|Ign)' /proc/self/status; pwd")
        spawn.directory = "/proc"
        let outcome = try spawn.run(timeoutSeconds: 60)
        let text = String(decoding: outcome.standardOutput, as: UTF8.self)
        // glibc's own signals (32, 33) are its business; ours must be clean.
        #expect(mask(named: "SigBlk", in: text).map { $0 & (1 << (SIGUSR1 - 1)) } == 0)
        #expect(mask(named: "SigIgn", in: text).map { $0 & (1 << (SIGPIPE - 1)) } == 0)
        #expect(text.hasSuffix("/proc\n"))
    }

    @Test("a missing program is a typed failure naming it")
    func missingProgram() {
        let spawn = ProgramSpawn(["/nonexistent/aiops-no-such-program"], environment: environment)
        #expect(throws: ProgramSpawnError.spawn(program: "/nonexistent/aiops-no-such-program", errno: ENOENT))
        {
            try spawn.run(timeoutSeconds: 5)
        }
    }

    @Test("descriptors: a passed one arrives at its number, other open ones do not")
    func descriptors() throws {
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)  // not close-on-exec on purpose
        defer { ends.forEach { close($0) } }
        var spawn = shell("ls /proc/self/fd | sort -n | tr '\\n' ' '")
        spawn.passedDescriptors = [(from: ends[1], to: 5)]
        spawn.closesOtherDescriptors = true
        let outcome = try spawn.run(timeoutSeconds: 60)
        let listed = String(decoding: outcome.standardOutput, as: UTF8.self).split(separator: " ").compactMap
        {
            Int32($0)
        }
        #expect(listed.contains(5))
        #expect(listed.allSatisfy { $0 <= 5 })  // 0-2, 5, and ls's own directory descriptor
    }
}

private func mask(named name: String, in status: String) -> UInt64? {
    guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else {
        return nil
    }
    return UInt64(line.dropFirst(name.count + 1).trimmingPrefix("\t"), radix: 16)
}

private func isZombie(_ pid: Int32) -> Bool {
    guard let file = fopen("/proc/\(pid)/stat", "r") else { return true }
    defer { fclose(file) }
    var buffer = [CChar](repeating: 0, count: 512)
    guard fgets(&buffer, 512, file) != nil else { return true }
    let text = String(cString: buffer)
    guard let close = text.lastIndex(of: ")") else { return false }
    return text[text.index(close, offsetBy: 2)] == "Z"
}
