import AiopsCore
import AiopsTrace
import Testing

@testable import AiopsCLI

/// The lifecycle sources throw typed errors that say what happened; the CLI adds what to do and
/// the exit code. These pin the words an operator reads (stderr is part of the interface).
@Suite("AiopsError wording of lifecycle source errors")
struct TraceErrorWordingTests {
    static let detail = "load failed (EPERM); libbpf: first … last"

    static func bpf(_ kind: BPFLoadError.Kind, errno: Int32 = 1, log: String = "") -> BPFLoadError {
        BPFLoadError(
            kind: kind, errorNumber: errno, step: "load", firstMessage: "first", lastMessage: "last",
            verifierLog: log)
    }

    @Test("each BPF load failure gets its exit code, its sentence and its hint")
    func bpfLoad() {
        let permission = AiopsError(Self.bpf(.permission))
        #expect(permission.exitCode == .noPermission)
        #expect(permission.message == "BPF tracing needs root, or CAP_BPF and CAP_PERFMON: \(Self.detail)")
        #expect(
            permission.hint
                == "run as root, or use --backend auto to fall back (`aiops doctor` says what this user gets: "
                + "the proc connector needs CAP_NET_ADMIN on many kernels, /proc polling needs nothing)")

        let noBTF = AiopsError(Self.bpf(.noBTF))
        #expect(noBTF.exitCode == .unavailable)
        #expect(
            noBTF.message.hasPrefix(
                "this kernel has no BTF (/sys/kernel/btf/vmlinux), which BPF tracing needs: "))
        #expect(noBTF.hint == "use --backend proc, or a kernel built with CONFIG_DEBUG_INFO_BTF=y")

        let old = AiopsError(Self.bpf(.kernelTooOld))
        #expect(old.exitCode == .unavailable)
        #expect(
            old.message.hasPrefix(
                "this kernel lacks BPF ring buffers or BTF tracepoints (Linux 5.8 or later)"))
        #expect(old.hint == "use --backend proc")

        let other = AiopsError(Self.bpf(.other, errno: 12))
        #expect(other.exitCode == .failure)
        #expect(
            other.message == "loading the BPF programs failed: load failed (ENOMEM); libbpf: first … last")
        #expect(other.hint == nil)
    }

    @Test("a verifier rejection is our bug (exit 70) and keeps the verifier's log")
    func verifier() {
        let error = Self.bpf(.verifierRejected, errno: 13, log: "0: (b7) r0 = 0\nR1 invalid mem access")
        #expect(error.verifierLog.hasSuffix("R1 invalid mem access"))
        let worded = AiopsError(error)
        #expect(worded.exitCode == .software)
        #expect(
            worded.message.hasPrefix("the kernel's BPF verifier rejected aiops's program (a bug in aiops)"))
        #expect(worded.hint?.contains("AIOPS_BPF_DEBUG=1") == true)
    }

    @Test("libbpf's two messages are shown once when they are the same, and not at all when empty")
    func libbpfDetail() {
        let same = BPFLoadError(
            kind: .other, errorNumber: 2, step: "open", firstMessage: "x", lastMessage: "x")
        #expect(same.libbpfDetail == "open failed (ENOENT); libbpf: x")
        let none = BPFLoadError(kind: .other, errorNumber: 99, step: "attach")
        #expect(none.libbpfDetail == "attach failed (errno 99)")
    }

    @Test("the proc connector: refused is a permission problem (77), absent is not supported (69)")
    func connector() {
        for errno: Int32 in [1, 13] {
            let refused = AiopsError(
                LifecycleSourceError.procConnector(ProcConnectorError(errorNumber: errno)))
            #expect(refused.exitCode == .noPermission)
            #expect(refused.message.hasPrefix("subscribing to the proc connector was refused (E"))
            #expect(refused.hint == "run as root (CAP_NET_ADMIN)")
        }
        let absent = AiopsError(ProcConnectorError(errorNumber: 22))
        #expect(absent.exitCode == .unavailable)
        #expect(
            absent.message
                == "the proc connector is not available (EINVAL): kernel without CONFIG_PROC_EVENTS?")
        #expect(absent.hint == nil)
    }

    @Test("a nested PID namespace refuses the kernel sources with exit 69 and points to polling")
    func nestedNamespace() {
        let worded = AiopsError(LifecycleSourceError.nestedPIDNamespace)
        #expect(worded.exitCode == .unavailable)
        #expect(worded.message.contains("PID namespace"))
        #expect(worded.hint == "use --backend poll, or run aiops on the host")
    }

    @Test("the typed errors carry no advice: hints are added only by the CLI")
    func hintFree() {
        let errors: [LifecycleSourceError] = [
            .bpf(Self.bpf(.permission)), .bpf(Self.bpf(.noBTF)), .bpf(Self.bpf(.verifierRejected)),
            .procConnector(ProcConnectorError(errorNumber: 1)), .nestedPIDNamespace,
        ]
        for error in errors {
            #expect(!error.description.contains("hint"))
            #expect(!error.description.contains("--backend"))
        }
    }
}
