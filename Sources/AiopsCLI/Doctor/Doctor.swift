import AiopsCore
import AiopsPlatform
import AiopsProc
import AiopsRender
import AiopsReports
import AiopsTrace

#if canImport(Glibc)
    import Glibc
#endif

/// Probes the host for real — loads the BPF programs, subscribes to the proc connector, opens
/// the kernel log — rather than guessing from version numbers, and says which trace backend
/// will be used and what it loses.
struct Doctor {
    typealias Check = DoctorReport.Check

    private let procfs = ProcFS()

    func run(json: Bool) async throws {
        var checks: [Check] = []
        checks.append(kernelCheck())
        checks.append(privilegeCheck())
        checks.append(btfCheck())
        let bpf = bpfCheck()
        checks.append(bpf.check)
        let connector = connectorCheck()
        checks.append(connector)
        checks.append(cgroupCheck())
        checks.append(tracefsCheck())
        checks.append(initCheck())
        checks.append(journalCheck())
        checks.append(kernelLogCheck())
        checks.append(corePatternCheck())

        let backend: EventSource
        let limitations: [String]
        if bpf.check.status == .ok {
            backend = .bpf
            limitations = []
        } else if connector.status == .ok {
            backend = .procConnector
            limitations = ProcConnectorSource.limitations
        } else {
            backend = .procPoll
            limitations = ProcPollSource.limitations(
                intervalNanoseconds: ProcPollSource.Configuration().intervalNanoseconds)
        }
        let report = DoctorReport(checks: checks, backend: backend, limitations: limitations)
        if json {
            try ReportOutput.writeJSON(report.json())
        } else {
            try ReportOutput.writeLines { style in report.table(style: style) }
        }
    }

    private func kernelCheck() -> Check {
        var name = utsname()
        uname(&name)
        // `name` is a whole utsname of ours: its arrays are copied from it, read up to their NUL.
        let release = withUnsafeBytes(of: name.release) { UntrustedText(cString: $0).terminalSafe }
        let machine = withUnsafeBytes(of: name.machine) { UntrustedText(cString: $0).terminalSafe }
        return Check(name: "kernel", status: .info, detail: "Linux \(release) \(machine)")
    }

    private func privilegeCheck() -> Check {
        let capabilities = effectiveCapabilities()
        let names: [(Int, String)] = [
            (21, "SYS_ADMIN"), (38, "PERFMON"), (39, "BPF"), (12, "NET_ADMIN"), (34, "SYSLOG"),
        ]
        let held = names.filter { capabilities & (1 << UInt64($0.0)) != 0 }.map(\.1)
        let detail =
            "uid \(getuid()), euid \(geteuid()); capabilities: "
            + (held.isEmpty ? "none" : held.joined(separator: ", "))
        let canBPF =
            capabilities & (1 << 39) != 0 && capabilities & (1 << 38) != 0 || capabilities & (1 << 21) != 0
        return Check(name: "privileges", status: canBPF ? .ok : .missing, detail: detail)
    }

    private func effectiveCapabilities() -> UInt64 {
        guard let bytes = procfs.read("self/status").bytes else { return 0 }
        for line in bytes.split(separator: 10) where line.starts(with: Array("CapEff:".utf8)) {
            let hex = String(decoding: line.dropFirst(7), as: UTF8.self).filter { !$0.isWhitespace }
            return UInt64(hex, radix: 16) ?? 0
        }
        return 0
    }

    private func btfCheck() -> Check {
        var info = stat()
        guard stat("/sys/kernel/btf/vmlinux", &info) == 0 else {
            return Check(
                name: "kernel BTF", status: .missing, detail: "/sys/kernel/btf/vmlinux absent: no CO-RE BPF")
        }
        return Check(
            name: "kernel BTF", status: .ok, detail: "/sys/kernel/btf/vmlinux (\(info.st_size / 1024) KiB)")
    }

    private func bpfCheck() -> (check: Check, variant: String?) {
        do {
            var configuration = BPFLifecycleSource.Configuration()
            configuration.ringBytes = 64 << 10
            configuration.wakeupBytes = 16 << 10
            let source = try BPFLifecycleSource(configuration: configuration)
            return (
                Check(
                    name: "BPF lifecycle tracer", status: .ok,
                    detail: "loaded and attached: ring buffer, tp_btf exec/fork/exit/signal_generate; "
                        + "exit program: \(source.exitVariant)"),
                source.exitVariant
            )
        } catch {
            return (Check(name: "BPF lifecycle tracer", status: .missing, detail: "\(error)"), nil)
        }
    }

    private func connectorCheck() -> Check {
        do {
            _ = try ProcConnectorSource()
            return Check(name: "proc connector", status: .ok, detail: "subscribed to netlink CN_IDX_PROC")
        } catch {
            return Check(name: "proc connector", status: .missing, detail: "\(error)")
        }
    }

    private func cgroupCheck() -> Check {
        guard let hierarchy = CgroupHierarchy() else {
            return Check(
                name: "cgroup v2", status: .missing,
                detail: "not mounted: --unit and the unit field are unavailable")
        }
        return Check(name: "cgroup v2", status: .ok, detail: "mounted at \(hierarchy.mountPoint)")
    }

    private func tracefsCheck() -> Check {
        let mounted =
            access("/sys/kernel/tracing/trace_pipe", F_OK) == 0
            || access("/sys/kernel/debug/tracing/trace_pipe", F_OK) == 0
        return Check(
            name: "tracefs", status: .info,
            detail: mounted ? "mounted" : "not mounted (not needed: aiops attaches with BTF tracepoints)")
    }

    private func initCheck() -> Check {
        let comm =
            procfs.read("1/comm").bytes.map { UntrustedText(bytes: $0.filter { $0 != 10 }).terminalSafe }
            ?? "?"
        if comm == "systemd" {
            return Check(name: "PID 1", status: .ok, detail: "systemd: service analysis available")
        }
        return Check(
            name: "PID 1", status: .missing,
            detail: "\(comm), not systemd: service commands will report that; process tracing is unaffected")
    }

    private func journalCheck() -> Check {
        let journalctl = [String](["/usr/bin/journalctl", "/bin/journalctl"]).first { access($0, X_OK) == 0 }
        guard let journalctl else {
            return Check(name: "journal", status: .missing, detail: "journalctl not installed")
        }
        // An empty journal directory is "no journal", not "no errors": count the files.
        let files = [String](["/var/log/journal", "/run/log/journal"]).flatMap {
            journalFiles(under: $0, depth: 0)
        }
        if files.isEmpty {
            return Check(
                name: "journal", status: .missing,
                detail: "\(journalctl) present, but no journal files in /var/log/journal or /run/log/journal")
        }
        return Check(name: "journal", status: .ok, detail: "\(journalctl); \(files.count) journal files")
    }

    /// *.journal files up to two directories deep (<dir>/<machine-id>/system.journal).
    private func journalFiles(under path: String, depth: Int) -> [String] {
        guard depth <= 2, case .success(let entries) = DirectoryListing.entries(in: path) else { return [] }
        var found: [String] = []
        for entry in entries {
            let name = entry.name
            if entry.isDirectory {
                found += journalFiles(under: path + "/" + name, depth: depth + 1)
            } else if name.hasSuffix(".journal") || name.hasSuffix(".journal~") {
                found.append(path + "/" + name)
            }
        }
        return found
    }

    private func kernelLogCheck() -> Check {
        let fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        let restrict = procfs.read("sys/kernel/dmesg_restrict").bytes.map {
            String(decoding: $0, as: UTF8.self)
        }
        let restrictText = restrict.map { "dmesg_restrict=" + $0.filter { !$0.isWhitespace } } ?? ""
        guard fd >= 0 else {
            return Check(
                name: "kernel log", status: .missing,
                detail:
                    "/dev/kmsg not readable (\(ErrnoText.name(errno))) \(restrictText): OOM and segfault lines unavailable"
            )
        }
        close(fd)
        return Check(name: "kernel log", status: .ok, detail: "/dev/kmsg readable \(restrictText)")
    }

    private func corePatternCheck() -> Check {
        let pattern =
            procfs.read("sys/kernel/core_pattern").bytes.map {
                UntrustedText(bytes: $0.filter { $0 != 10 }).terminalSafe
            } ?? "?"
        let detail =
            pattern.hasPrefix("|")
            ? "piped to \(pattern.dropFirst())" : "'\(pattern)' (relative: the crashing process's cwd)"
        return Check(name: "core dumps", status: .info, detail: detail)
    }
}
