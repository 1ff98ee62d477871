import AiopsTestSupport
import Foundation
import Testing

/// The environments where BPF cannot be used, forced on this kernel: an unprivileged user, and
/// a kernel without BTF (simulated by hiding /sys/kernel/btf in a mount namespace).
@Suite("Fallback environments")
struct FallbackEnvironmentTests {
    /// Runs aiops as nobody with no capabilities.
    private func asNobody(_ arguments: [String]) throws -> CommandResult {
        try runCommand(
            "/usr/bin/setpriv",
            [
                "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all",
                BuildProducts.aiopsForAnyUser,
            ]
                + arguments, timeout: 30)
    }

    /// Runs aiops in a mount namespace where /sys/kernel/btf is an empty directory.
    private func withoutBTF(_ arguments: [String]) throws -> CommandResult {
        let command = (["'\(BuildProducts.aiops)'"] + arguments.map { "'\($0)'" }).joined(separator: " ")
        return try runCommand(
            "/usr/bin/unshare",
            ["-m", "/bin/sh", "-c", "mount -t tmpfs none /sys/kernel/btf && exec \(command)"],
            timeout: 30)
    }

    @Test("non-root with --backend bpf: exit 77 naming what is missing")
    func nonRootBPF() throws {
        let result = try asNobody(["trace", "--backend", "bpf", "--duration", "1s"])
        #expect(result.status == 77, "stderr: \(result.standardError)")
        #expect(result.standardError.contains("root"))
        #expect(result.standardError.contains("CAP_BPF"))
    }

    @Test("non-root with --backend auto: falls back, one banner line says what is lost, trace works")
    func nonRootAuto() throws {
        let result = try asNobody(["trace", "--json", "--duration", "1500ms"])
        #expect(result.status == 0, "stderr: \(result.standardError)")
        let banner = result.standardError.split(separator: "\n").filter { $0.contains("falling back") }
        #expect(banner.count == 1)
        #expect(banner.first?.contains("cannot see") == true)
        let summary = try #require(
            result.outputLines.last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) }
                as? [String: Any])
        #expect(summary["backend"] as? String != "bpf")
        #expect((summary["limitations"] as? [String])?.isEmpty == false)
    }

    @Test("in a PID namespace of its own: bpf and proc refused (69), auto polls and still sees an exit code")
    func nestedPIDNamespace() throws {
        let nested = ["-p", "-f", "--mount-proc", BuildProducts.aiops]
        for backend in ["bpf", "proc"] {
            let refused = try runCommand(
                "/usr/bin/unshare", nested + ["trace", "--backend", backend, "--duration", "1s"], timeout: 30)
            #expect(refused.status == 69, "\(backend): \(refused.standardError)")
            #expect(refused.standardError.contains("PID namespace"))
        }
        // Polling learns an exit code only from a zombie: the child stays unreaped for 1.5 s.
        let script = """
            '\(BuildProducts.aiops)' trace --json --duration 4s --failed & sleep 1; \
            python3 -c 'import os, time; os.fork() or os._exit(7); time.sleep(1.5)'; wait
            """
        let polled = try runCommand(
            "/usr/bin/unshare", ["-p", "-f", "--mount-proc", "/bin/sh", "-c", script], timeout: 30)
        #expect(polled.status == 0, "stderr: \(polled.standardError)")
        #expect(polled.standardError.contains("PID namespace"))
        let lines = polled.outputLines.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
        #expect(lines.last?["backend"] as? String == "proc-poll")
        #expect(
            lines.contains { $0["event"] as? String == "exit" && $0["exit_code"] as? Int == 7 }, "\(lines)")
    }

    @Test("no kernel BTF with --backend bpf: exit 69 saying so")
    func noBTF() throws {
        let result = try withoutBTF(["trace", "--backend", "bpf", "--duration", "1s"])
        #expect(result.status == 69, "stderr: \(result.standardError)")
        #expect(result.standardError.contains("BTF"))
    }

    @Test("no kernel BTF with --backend auto: the proc connector takes over and still reports exit codes")
    func noBTFAuto() throws {
        let directory = TemporaryDirectory()
        let script = directory.file("run.sh")
        try """
        mount -t tmpfs none /sys/kernel/btf || exit 99
        '\(BuildProducts.aiops)' trace --json --comm aiops-testchild --events exit --duration 60s > '\(directory.file("out"))' 2> '\(directory.file("err"))' &
        for i in $(seq 1 300); do grep -q 'tracing with' '\(directory.file("err"))' && break; sleep 0.1; done
        '\(BuildProducts.testChild)' linger 50 6
        for i in $(seq 1 300); do grep -q '"exit_code":6' '\(directory.file("out"))' && break; sleep 0.1; done
        kill -TERM $!
        wait $!

        """.write(toFile: script, atomically: true, encoding: .utf8)
        let result = try runCommand("/usr/bin/unshare", ["-m", "/bin/sh", script], timeout: 30)
        #expect(result.status == 0)
        let errors = try String(contentsOfFile: directory.file("err"), encoding: .utf8)
        #expect(errors.contains("BTF"))
        #expect(errors.contains("falling back to proc-connector"))
        let output = try String(contentsOfFile: directory.file("out"), encoding: .utf8)
        #expect(output.contains("\"exit_code\":6"))
        #expect(output.contains("\"source\":\"proc-connector\""))
    }

    /// Whether this kernel lets an unprivileged user subscribe to the proc connector, asked of the
    /// kernel directly (Debian's python3, not aiops): some kernels allow it, others (6.18.44 here)
    /// refuse it with EPERM unless the caller has CAP_NET_ADMIN. The test asserts aiops's answer
    /// to whatever this kernel's policy is.
    private func nobodyMaySubscribeToProcConnector() throws -> Bool {
        let probe = """
            import os, socket, struct
            s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 11)  # NETLINK_CONNECTOR
            try:
                s.bind((0, 1))  # CN_IDX_PROC
                listen = struct.pack("=I", 1)  # PROC_CN_MCAST_LISTEN
                message = struct.pack("=IIIHH", 1, 1, 0, 0, len(listen)) + listen
                s.send(struct.pack("=IHHII", 16 + len(message), 3, 0, 0, 0) + message)  # NLMSG_DONE
                print("allowed")
            except PermissionError:
                print("refused")
            """
        let result = try runCommand(
            "/usr/bin/setpriv",
            [
                "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all",
                "/usr/bin/python3", "-c", probe,
            ], timeout: 30)
        let answer = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.status == 0, answer == "allowed" || answer == "refused" else {
            throw ProbeFailure(description: "proc connector probe failed: \(result.standardError)")
        }
        return answer == "allowed"
    }

    private struct ProbeFailure: Error, CustomStringConvertible { var description: String }

    @Test("doctor reports the backend each environment gets", arguments: [true, false])
    func doctor(root: Bool) throws {
        let result =
            root
            ? try runCommand(BuildProducts.aiops, ["doctor", "--json"]) : try asNobody(["doctor", "--json"])
        #expect(result.status == 0, "stderr: \(result.standardError)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let expected =
            try root ? "bpf" : (nobodyMaySubscribeToProcConnector() ? "proc-connector" : "proc-poll")
        #expect(report["trace_backend"] as? String == expected)
        let checks = try #require(report["checks"] as? [[String: Any]])
        #expect(checks.contains { $0["name"] as? String == "PID 1" })
    }
}
