// swift-tools-version: 6.0
// aiops: why a process died, why a service restarts, what a process is doing — from kernel truth.
//
// Dependency direction: aiops → AiopsCLI → {AiopsRender, AiopsAnalyze, AiopsTrace, AiopsProc} → AiopsCore.
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
        // Vocabulary with no dependencies: events, identities, exit statuses, signals, errors.
        .target(name: "AiopsCore"),
        // /proc readers and parsers.
        .target(name: "AiopsProc", dependencies: ["AiopsCore"]),
        // Lifecycle sources (BPF, proc connector, /proc polling), the process table, filters.
        .target(
            name: "AiopsTrace",
            dependencies: ["AiopsCore", "AiopsProc", "CAiopsBPF", "CAiopsLinux"]
        ),
        // Terminal tables and JSON lines, safe for untrusted bytes.
        .target(name: "AiopsRender", dependencies: ["AiopsCore"]),
        // Pure analyzers over AiopsCore values (leak detection): time comes with the data.
        .target(name: "AiopsAnalyze", dependencies: ["AiopsCore"]),
        // One file per command.
        .target(
            name: "AiopsCLI",
            dependencies: [
                "AiopsCore", "AiopsProc", "AiopsTrace", "AiopsRender", "AiopsAnalyze",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "aiops", dependencies: ["AiopsCLI"]),

        // Test support: a C program whose behaviour the kernel tests assert exactly, and helpers.
        .executableTarget(name: "aiops-testchild", path: "Tests/TestChild"),
        .target(
            name: "AiopsTestSupport", dependencies: ["AiopsCore", "AiopsProc"], path: "Tests/AiopsTestSupport"
        ),

        .testTarget(name: "AiopsCoreTests", dependencies: ["AiopsCore"]),
        .testTarget(name: "AiopsProcTests", dependencies: ["AiopsProc", "AiopsTestSupport"]),
        .testTarget(
            name: "AiopsTraceTests",
            dependencies: ["AiopsTrace", "AiopsProc", "CAiopsBPF", "AiopsTestSupport"]
        ),
        .testTarget(name: "AiopsRenderTests", dependencies: ["AiopsRender", "AiopsTestSupport"]),
        .testTarget(name: "AiopsCLITests", dependencies: ["AiopsCLI", "AiopsTestSupport"]),
        .testTarget(name: "AiopsAnalyzeTests", dependencies: ["AiopsAnalyze", "AiopsCore"]),
    ]
)
