import AiopsCore
import CAiopsBPF

#if canImport(Glibc)
    import Glibc
#endif

/// Turns ring-buffer records (layouts in aiops_event.h) into `LifecycleEvent`s. Sizes and kinds
/// are checked before any field is read: a record that does not fit is counted as malformed.
///
/// Memory safety: a fixed-size struct is loaded (`loadUnaligned`, a copy into a Swift value) only
/// after the record's `size` was checked to hold all of it, so `header.comm` and
/// `event.target_comm` are arrays of those copies, never bytes past the record. The exec record's
/// variable tail is read through raw pointers bounded by `size`.
enum BPFRecordDecoder {
    static let pageSize = UInt64(sysconf(Int32(_SC_PAGESIZE)))

    static func decode(_ data: UnsafeRawPointer, size: Int) -> LifecycleEvent? {
        guard size >= MemoryLayout<aiops_event_header>.size else { return nil }
        let header = data.loadUnaligned(as: aiops_event_header.self)
        guard Int(header.size) <= size else { return nil }
        let process = eventProcess(header)
        let time = BootInstant(nanoseconds: header.time_ns)

        switch UInt32(header.kind) {
        case AIOPS_EVENT_EXEC.rawValue:
            let fixedSize = MemoryLayout<aiops_exec_event>.offset(of: \aiops_exec_event.args)!
            guard size >= fixedSize else { return nil }
            return LifecycleEvent(
                time: time, source: .bpf, process: process, payload: .exec(execDetails(data, header, size)))

        case AIOPS_EVENT_FORK.rawValue:
            guard size >= MemoryLayout<aiops_fork_event>.size else { return nil }
            let event = data.loadUnaligned(as: aiops_fork_event.self)
            let details = ForkDetails(
                childPID: Int32(bitPattern: event.child_pid), childTID: Int32(bitPattern: event.child_tid),
                childStart: BootInstant(nanoseconds: event.child_start_ns),
                isThread: header.flags & AIOPS_FLAG_THREAD.rawValue != 0)
            return LifecycleEvent(time: time, source: .bpf, process: process, payload: .fork(details))

        case AIOPS_EVENT_EXIT.rawValue:
            guard size >= MemoryLayout<aiops_exit_event>.size else { return nil }
            let event = data.loadUnaligned(as: aiops_exit_event.self)
            let details = ExitDetails(
                status: ExitStatus(waitStatus: event.exit_code), cpuNanoseconds: event.cpu_ns,
                maxRSSBytes: event.maxrss_pages &* pageSize)
            return LifecycleEvent(time: time, source: .bpf, process: process, payload: .exit(details))

        case AIOPS_EVENT_SIGNAL.rawValue:
            guard size >= MemoryLayout<aiops_signal_event>.size else { return nil }
            let event = data.loadUnaligned(as: aiops_signal_event.self)
            let details = SignalDetails(
                signal: event.signal, code: event.code, result: event.result, toGroup: event.group != 0,
                targetPID: Int32(bitPattern: event.target_pid),
                targetTID: Int32(bitPattern: event.target_tid),
                targetStart: BootInstant(nanoseconds: event.target_start_ns),
                targetComm: withUnsafeBytes(of: event.target_comm) { UntrustedText(cString: $0) })
            return LifecycleEvent(time: time, source: .bpf, process: process, payload: .signal(details))

        default:
            return nil
        }
    }

    private static func eventProcess(_ header: aiops_event_header) -> EventProcess {
        EventProcess(
            pid: Int32(bitPattern: header.pid), tid: Int32(bitPattern: header.tid),
            ppid: Int32(bitPattern: header.ppid), uid: header.uid,
            comm: withUnsafeBytes(of: header.comm) { UntrustedText(cString: $0) },
            start: BootInstant(nanoseconds: header.start_ns), cgroupID: header.cgroup_id)
    }

    private static func execDetails(
        _ data: UnsafeRawPointer, _ header: aiops_event_header, _ size: Int
    ) -> ExecDetails {
        let filenameOffset = MemoryLayout<aiops_exec_event>.offset(of: \aiops_exec_event.filename)!
        let argsOffset = MemoryLayout<aiops_exec_event>.offset(of: \aiops_exec_event.args)!
        let lengths = data.loadUnaligned(
            fromByteOffset: MemoryLayout<aiops_exec_event>.offset(of: \aiops_exec_event.filename_len)!,
            as: (UInt16, UInt16).self)
        let filenameLength = min(Int(lengths.0), Int(AIOPS_FILENAME_LEN))
        let argsLength = min(Int(lengths.1), size - argsOffset)
        let filename = UntrustedText(
            UnsafeRawBufferPointer(start: data + filenameOffset, count: filenameLength))
        let args = UnsafeRawBufferPointer(start: data + argsOffset, count: max(argsLength, 0))
        let flags = header.flags
        return ExecDetails(
            filename: filename, argv: splitArguments(args),
            argvTruncated: flags & AIOPS_FLAG_ARGS_TRUNCATED.rawValue != 0,
            argvMissing: flags & AIOPS_FLAG_ARGS_UNREADABLE.rawValue != 0,
            filenameTruncated: flags & AIOPS_FLAG_FILENAME_TRUNCATED.rawValue != 0)
    }

    /// NUL-separated, the last one terminated (unless cut by truncation).
    static func splitArguments(_ bytes: UnsafeRawBufferPointer) -> [UntrustedText] {
        guard !bytes.isEmpty else { return [] }
        var arguments: [UntrustedText] = []
        var start = 0
        for index in 0..<bytes.count where bytes[index] == 0 {
            arguments.append(UntrustedText(bytes[start..<index]))
            start = index + 1
        }
        if start < bytes.count { arguments.append(UntrustedText(bytes[start...])) }
        return arguments
    }
}

extension LifecycleEventKind {
    init?(bpfKind: UInt32) {
        switch bpfKind {
        case AIOPS_EVENT_EXEC.rawValue: self = .exec
        case AIOPS_EVENT_FORK.rawValue: self = .fork
        case AIOPS_EVENT_EXIT.rawValue: self = .exit
        case AIOPS_EVENT_SIGNAL.rawValue: self = .signal
        default: return nil
        }
    }
}
