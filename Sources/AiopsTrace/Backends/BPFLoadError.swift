import AiopsPlatform
import CAiopsBPF

/// Why the BPF programs could not be loaded, as the C loader classified it. It states what
/// happened; what to do about it (a hint, an exit code) is the CLI's to say.
public struct BPFLoadError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Not root, or without CAP_BPF and CAP_PERFMON.
        case permission
        /// No kernel BTF (/sys/kernel/btf/vmlinux): CO-RE and BTF tracepoints are impossible.
        case noBTF
        /// No BPF ring buffer or BTF tracepoints (before Linux 5.8).
        case kernelTooOld
        /// The verifier refused a program: a bug of aiops's, with the verifier's log.
        case verifierRejected
        case other
    }

    public let kind: Kind
    /// The positive errno of the failing step.
    public let errorNumber: Int32
    /// Which step failed: "btf", "ring buffer", "open", "load", "attach", …
    public let step: String
    /// libbpf's first warning (usually the real cause) and its last one.
    public let firstMessage: String
    public let lastMessage: String
    /// The end of the verifier's log when the verifier spoke (AIOPS_BPF_DEBUG=1 prints all of
    /// it); empty otherwise.
    public let verifierLog: String

    public init(
        kind: Kind, errorNumber: Int32, step: String, firstMessage: String = "", lastMessage: String = "",
        verifierLog: String = ""
    ) {
        self.kind = kind
        self.errorNumber = errorNumber
        self.step = step
        self.firstMessage = firstMessage
        self.lastMessage = lastMessage
        self.verifierLog = verifierLog
    }

    init(_ error: aiops_bpf_error) {
        let kinds: [UInt32: Kind] = [
            AIOPS_BPF_ERR_PERMISSION.rawValue: .permission, AIOPS_BPF_ERR_NO_BTF.rawValue: .noBTF,
            AIOPS_BPF_ERR_KERNEL_TOO_OLD.rawValue: .kernelTooOld,
            AIOPS_BPF_ERR_VERIFIER.rawValue: .verifierRejected,
        ]
        self.init(
            kind: kinds[UInt32(error.kind)] ?? .other, errorNumber: error.error_number,
            step: Self.text(of: error.step), firstMessage: Self.text(of: error.first_message),
            lastMessage: Self.text(of: error.last_message),
            verifierLog: Self.text(of: error.verifier_log_tail))
    }

    /// A C array of the loader's own record: `error` is a whole struct of ours, so copying its
    /// arrays reads nothing outside it, and each text ends at its NUL or at the array's end,
    /// never past it.
    private static func text<T>(of array: T) -> String {
        withUnsafeBytes(of: array) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// The failing step, its errno and libbpf's own words.
    public var libbpfDetail: String {
        let messages = [firstMessage, lastMessage].filter { !$0.isEmpty }
        let unique = messages.count == 2 && messages[0] == messages[1] ? [messages[0]] : messages
        let base = "\(step) failed (\(ErrnoText.name(errorNumber)))"
        return unique.isEmpty ? base : base + "; libbpf: " + unique.joined(separator: " … ")
    }

    /// What failed, in one line: used as the error and as a fallback reason.
    public var description: String {
        switch kind {
        case .permission:
            return "BPF tracing needs root, or CAP_BPF and CAP_PERFMON: \(libbpfDetail)"
        case .noBTF:
            return
                "this kernel has no BTF (/sys/kernel/btf/vmlinux), which BPF tracing needs: \(libbpfDetail)"
        case .kernelTooOld:
            return
                "this kernel lacks BPF ring buffers or BTF tracepoints (Linux 5.8 or later): \(libbpfDetail)"
        case .verifierRejected:
            return "the kernel's BPF verifier rejected aiops's program (a bug in aiops): \(libbpfDetail)"
        case .other:
            return "loading the BPF programs failed: \(libbpfDetail)"
        }
    }
}
