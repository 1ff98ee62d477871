// swift-tools-version: 6.0
// aiops: why a process died, why a service restarts, what a process is doing — from kernel truth.
//
// Dependency direction: aiops → AiopsCLI → AiopsReports → {AiopsRender, AiopsAnalyze, AiopsTrace, AiopsProc,
// AiopsSystemd, AiopsDiagnose} → AiopsCore. AiopsCLI parses, gathers (it alone also uses AiopsKernelLog,
// AiopsStore, AiopsMonitor, AiopsAlert) and writes; AiopsReports reads nothing but the clock.
// AiopsKernelLog reads the journal's copy of the kernel log through AiopsSystemd.
// Under them all, AiopsPlatform (depends on nothing of ours) holds the syscalls Swift cannot say safely:
// directory listing, spawning a program, starting a thread, errno text.
// Only AiopsTrace touches libbpf (through CAiopsBPF); everything else builds and tests without
// privileges. The BPF object is compiled by `make bpf` and embedded into CAiopsBPF.
import PackageDescription

let package = Package(
    name: "aiops",
    products: [
        .executable(name: "aiops", targets: ["aiops"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        // C over libbpf: the kernel ABI header shared with bpf/, and the loader.
        .target(
            name: "CAiopsBPF",
            exclude: ["bpfobj"],
            linkerSettings: [.linkedLibrary("bpf")]
        ),
        // Linux uapi headers Swift cannot spell itself (the proc connector's structs).
        .target(name: "CAiopsLinux"),
        // One complete HTTP POST over libcurl, whose setopt/getinfo are variadic (alert webhooks).
        .target(name: "CAiopsCurl", linkerSettings: [.linkedLibrary("curl")]),
        // The one place for syscalls Swift cannot say well: directory listing that reads each
        // `readdir` record in place, spawning a program, threads, errno text. Depends on nothing of
        // ours, so every module may use it.
        .target(name: "AiopsPlatform"),
        // Vocabulary with no dependencies: events, identities, exit statuses, signals, errors.
        .target(name: "AiopsCore"),
        // /proc readers and parsers.
        .target(name: "AiopsProc", dependencies: ["AiopsCore", "AiopsPlatform"]),
        // Lifecycle sources (BPF, proc connector, /proc polling), the process table, filters, and
        // the one lifecycle session that trace, monitor and collect --duration subscribe to.
        .target(
            name: "AiopsTrace",
            dependencies: ["AiopsCore", "AiopsPlatform", "AiopsProc", "CAiopsBPF", "CAiopsLinux"]
        ),
        // The system SQLite (Debian: libsqlite3-dev), through a shim header; only AiopsStore uses it.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // The monitoring daemon's history: embedded SQLite, bounded by age and size; a damaged history
        // of its own is set aside, anything else at the path is refused and left untouched.
        .target(
            name: "AiopsStore", dependencies: ["AiopsCore", "AiopsPlatform", "CSQLite"],
            exclude: ["README.md"]),
        // systemd and its journal: is PID 1 systemd, `systemctl show`, `journalctl -o json` streamed
        // and decoded into service events (argv only, never a shell).
        .target(name: "AiopsSystemd", dependencies: ["AiopsCore", "AiopsPlatform"]),
        // The kernel log — the /dev/kmsg ring, and the journal's copy of it (through AiopsSystemd's
        // journalctl reader): OOM kills for the restart analysis.
        .target(name: "AiopsKernelLog", dependencies: ["AiopsCore", "AiopsPlatform", "AiopsSystemd"]),
        // Terminal tables and JSON lines, safe for untrusted bytes.
        .target(name: "AiopsRender", dependencies: ["AiopsCore"]),
        // Alerts to operators: deduplicated, rate-limited, printed, appended to a file, POSTed to a
        // webhook, handed to a command — the slow sinks on threads of their own.
        .target(
            name: "AiopsAlert", dependencies: ["AiopsCore", "AiopsPlatform", "AiopsRender", "CAiopsCurl"]),
        // Why a systemd service will not start: its journal, port owners, configuration checkers,
        // dependencies, executable and path access for its user, and ranked solutions.
        .target(
            name: "AiopsDiagnose", dependencies: ["AiopsCore", "AiopsPlatform", "AiopsProc", "AiopsSystemd"]),
        // Pure analyzers over AiopsCore values (leak detection): time comes with the data.
        .target(name: "AiopsAnalyze", dependencies: ["AiopsCore"]),
        // The monitor's judgement: critical processes, exits, restarts, anomalies, zombies, fork
        // storms — alerts and history records out, nothing sent or written here.
        .target(name: "AiopsMonitor", dependencies: ["AiopsCore", "AiopsProc", "AiopsAnalyze"]),
        // Each report's model, pure builder and judgement, table or panel, and JSON: one folder per
        // report; it reads nothing but the clock, so every report is tested from values.
        .target(
            name: "AiopsReports",
            dependencies: [
                "AiopsCore", "AiopsRender", "AiopsAnalyze", "AiopsProc", "AiopsTrace", "AiopsSystemd",
                "AiopsDiagnose",
            ]
        ),
        // Argument parsing (one file per command), gathering (the I/O) and writing the reports.
        .target(
            name: "AiopsCLI",
            dependencies: [
                "AiopsCore", "AiopsPlatform", "AiopsProc", "AiopsTrace", "AiopsRender", "AiopsAnalyze",
                "AiopsMonitor", "AiopsAlert", "AiopsStore", "AiopsSystemd", "AiopsDiagnose", "AiopsKernelLog",
                "AiopsReports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "aiops", dependencies: ["AiopsCLI"]),

        // Test support: a C program whose behaviour the kernel tests assert exactly, and helpers.
        .executableTarget(name: "aiops-testchild", path: "Tests/TestChild"),
        .target(
            name: "AiopsTestSupport", dependencies: ["AiopsCore", "AiopsPlatform", "AiopsProc"],
            path: "Tests/AiopsTestSupport"
        ),

        .testTarget(name: "AiopsPlatformTests", dependencies: ["AiopsPlatform"]),
        .testTarget(name: "AiopsCoreTests", dependencies: ["AiopsCore"]),
        .testTarget(name: "AiopsProcTests", dependencies: ["AiopsProc", "AiopsTestSupport"]),
        .testTarget(
            name: "AiopsTraceTests",
            dependencies: ["AiopsTrace", "AiopsProc", "CAiopsBPF", "AiopsTestSupport"]
        ),
        .testTarget(name: "AiopsRenderTests", dependencies: ["AiopsRender", "AiopsTestSupport"]),
        .testTarget(
            name: "AiopsReportsTests",
            dependencies: ["AiopsReports", "AiopsAnalyze", "AiopsCore", "AiopsRender", "AiopsSystemd"]),
        .testTarget(name: "AiopsCLITests", dependencies: ["AiopsCLI", "AiopsStore", "AiopsTestSupport"]),
        .testTarget(
            name: "AiopsMonitorTests", dependencies: ["AiopsMonitor", "AiopsAnalyze", "AiopsTestSupport"]),
        .testTarget(name: "AiopsStoreTests", dependencies: ["AiopsStore", "AiopsTestSupport"]),
        .testTarget(name: "AiopsAlertTests", dependencies: ["AiopsAlert", "AiopsTestSupport"]),
        .testTarget(name: "AiopsAnalyzeTests", dependencies: ["AiopsAnalyze", "AiopsCore"]),
        .testTarget(
            name: "AiopsDiagnoseTests",
            dependencies: ["AiopsDiagnose", "AiopsSystemd", "AiopsProc", "AiopsTestSupport"]),
        .testTarget(
            name: "AiopsKernelLogTests",
            dependencies: ["AiopsKernelLog", "AiopsSystemd", "AiopsAnalyze", "AiopsCore", "AiopsTestSupport"]),
        // Against a real systemd booted in a container (tools/systemd-lab): needs root.
        .testTarget(
            name: "AiopsSystemdTests", dependencies: ["AiopsSystemd", "AiopsCore", "AiopsTestSupport"],
            exclude: ["Fixtures"]),
    ]
)
