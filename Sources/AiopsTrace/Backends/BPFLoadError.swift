import AiopsCore
import AiopsPlatform
import CAiopsBPF

/// A load failure, classified by the C loader, turned into a message an operator can act on.
struct BPFLoadError {
    let kind: UInt32
    let errorNumber: Int32
    let step: String
    let firstMessage: String
    let lastMessage: String

    init(_ error: aiops_bpf_error) {
        kind = UInt32(error.kind)
        errorNumber = error.error_number
        // `error` is a whole struct of ours (the loader filled it), so copying its arrays reads
        // nothing outside it; each text ends at its NUL or at the array's end, never past it.
        step = withUnsafeBytes(of: error.step) { Self.text($0) }
        firstMessage = withUnsafeBytes(of: error.first_message) { Self.text($0) }
        lastMessage = withUnsafeBytes(of: error.last_message) { Self.text($0) }
    }

    private static func text(_ field: UnsafeRawBufferPointer) -> String {
        String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
    }

    var libbpfDetail: String {
        let messages = [firstMessage, lastMessage].filter { !$0.isEmpty }
        let unique = messages.count == 2 && messages[0] == messages[1] ? [messages[0]] : messages
        let base = "\(step) failed (\(ErrnoText.name(errorNumber)))"
        return unique.isEmpty ? base : base + "; libbpf: " + unique.joined(separator: " … ")
    }

    var asAiopsError: AiopsError {
        switch kind {
        case AIOPS_BPF_ERR_PERMISSION.rawValue:
            return AiopsError(
                .noPermission, "BPF tracing needs root, or CAP_BPF and CAP_PERFMON: \(libbpfDetail)",
                hint: "run as root, or use --backend proc (the proc connector works without privileges)")
        case AIOPS_BPF_ERR_NO_BTF.rawValue:
            return AiopsError(
                .unavailable,
                "this kernel has no BTF (/sys/kernel/btf/vmlinux), which BPF tracing needs: \(libbpfDetail)",
                hint: "use --backend proc, or a kernel built with CONFIG_DEBUG_INFO_BTF=y")
        case AIOPS_BPF_ERR_KERNEL_TOO_OLD.rawValue:
            return AiopsError(
                .unavailable,
                "this kernel lacks BPF ring buffers or BTF tracepoints (Linux 5.8 or later): \(libbpfDetail)",
                hint: "use --backend proc")
        case AIOPS_BPF_ERR_VERIFIER.rawValue:
            return AiopsError(
                .software,
                "the kernel's BPF verifier rejected aiops's program (a bug in aiops): \(libbpfDetail)",
                hint:
                    "rerun with AIOPS_BPF_DEBUG=1 for the verifier log and report it; --backend proc works meanwhile"
            )
        default:
            return AiopsError(.failure, "loading the BPF programs failed: \(libbpfDetail)")
        }
    }
}
