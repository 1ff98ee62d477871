#if canImport(Glibc)
    import Glibc
#endif

/// What to start: the one description every program aiops runs goes through (systemctl,
/// journalctl, a service's configuration checker, an alert command, the background monitor).
///
/// Always an argv, never a shell line: a unit name or a path is one argument whatever it holds.
/// The child starts with every signal at its default and none blocked, whatever the thread that
/// spawned it ignores or blocks (aiops ignores SIGPIPE; sink threads block it).
public struct ProgramSpawn: Sendable {
    /// Where the child's standard input comes from.
    public enum Input: Sendable {
        case null
        case inherit
        /// These bytes, written through a pipe and then closed (end of file). Only `ProgramRun`
        /// writes them; `start` hands the pipe's write end back.
        case bytes([UInt8])
    }

    /// Where the child's standard output or error goes.
    public enum Output: Sendable {
        case null
        case inherit
        /// Through a pipe to us; `ProgramRun` keeps up to `limit` bytes and drops the rest.
        case capture(limit: Int)
        /// Appended to this file, created with `mode` if missing.
        case appendToFile(String, mode: mode_t)
        /// The same place as standard output (standard error only).
        case sameAsOutput
    }

    /// The process group or session the child starts in.
    public enum Grouping: Sendable {
        /// Ours.
        case inherit
        /// A process group of its own, so that a timeout kills everything it started.
        case ownProcessGroup
        /// A session of its own (setsid): off the operator's terminal and process group.
        case newSession
    }

    /// argv, each element raw bytes (arguments need not be UTF-8). argv[0] is the program.
    public var arguments: [[UInt8]]
    /// The file to execute; nil: argv[0], looked up in our PATH when it has no slash.
    public var executable: String?
    /// The complete environment, "NAME=value".
    public var environment: [String]
    public var directory: String?
    public var input: Input = .null
    public var output: Output = .null
    public var error: Output = .inherit
    public var grouping: Grouping = .inherit
    /// Our descriptors handed over at these numbers (from: ours, to: the child's, above 2).
    public var passedDescriptors: [(from: Int32, to: Int32)] = []
    /// Close every other descriptor above 2 (and above the passed ones) in the child, including
    /// those opened without O_CLOEXEC (BPF maps, a supervisor's socket, a test runner's pipe):
    /// they are not the child's business, and a pipe kept open by accident keeps its reader waiting.
    public var closesOtherDescriptors = false

    public init(_ arguments: [String], environment: [String]) {
        precondition(!arguments.isEmpty, "a program needs argv[0]")
        self.arguments = arguments.map { Array($0.utf8) }
        self.environment = environment
    }

    public init(rawArguments: [[UInt8]], environment: [String]) {
        precondition(!rawArguments.isEmpty, "a program needs argv[0]")
        self.arguments = rawArguments
        self.environment = environment
    }

    /// The program's name for messages: the executable, else argv[0].
    public var programName: String {
        executable ?? String(decoding: arguments[0], as: UTF8.self)
    }
}

/// A program that could not be started.
public enum ProgramSpawnError: Error, Equatable, Sendable {
    /// Making a pipe or opening a file for the child failed.
    case setup(what: String, errno: Int32)
    /// posix_spawn itself failed (ENOENT: no such program; EACCES: not executable…).
    case spawn(program: String, errno: Int32)

    public var errno: Int32 {
        switch self {
        case .setup(_, let number), .spawn(_, let number): return number
        }
    }
}

/// A started child and our ends of its pipes (-1 where there is none). The caller closes them
/// and reaps the child.
public struct SpawnedProcess: Sendable {
    public let pid: pid_t
    public let inputWriter: Int32
    public let outputReader: Int32
    public let errorReader: Int32
}

extension ProgramSpawn {
    /// Starts the child and returns at once.
    public func start() throws(ProgramSpawnError) -> SpawnedProcess {
        var pipes = PipeSet()
        var started = false
        defer { if !started { pipes.closeAll() } }
        if case .bytes = input { pipes.input = try PipeSet.make() }
        if case .capture = output { pipes.output = try PipeSet.make() }
        if case .capture = error { pipes.error = try PipeSet.make() }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let directory {
            guard addChangeDirectory(&actions, directory) == 0 else {
                throw .setup(what: "chdir \(directory)", errno: ENOSYS)
            }
        }
        switch input {
        case .null: posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        case .inherit: break
        case .bytes: posix_spawn_file_actions_adddup2(&actions, pipes.input!.read, 0)
        }
        add(output, as: 1, pipe: pipes.output?.write, to: &actions)
        add(error, as: 2, pipe: pipes.error?.write, to: &actions)
        for passed in passedDescriptors { posix_spawn_file_actions_adddup2(&actions, passed.from, passed.to) }
        if closesOtherDescriptors {
            let first = (passedDescriptors.map(\.to).max() ?? 2) + 1
            guard addCloseFrom(&actions, first) == 0 else {
                throw .setup(what: "posix_spawn_file_actions_addclosefrom_np", errno: ENOSYS)
            }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var flags = Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        switch grouping {
        case .inherit: break
        case .ownProcessGroup:
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
        case .newSession:
            flags |= posixSpawnSetSID
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = CStringArray(arguments)
        let envp = CStringArray(environment.map { Array($0.utf8) })
        var pid = pid_t()
        let result: Int32
        if let executable {
            result = posix_spawn(&pid, executable, &actions, &attributes, argv.pointers, envp.pointers)
        } else {
            result = posix_spawnp(
                &pid, argv.pointers[0]!, &actions, &attributes, argv.pointers, envp.pointers)
        }
        guard result == 0 else { throw .spawn(program: programName, errno: result) }
        started = true
        // The child holds its own copies now: drop ours, or we would never see end of file.
        for end in [pipes.input?.read, pipes.output?.write, pipes.error?.write] { if let end { close(end) } }
        return SpawnedProcess(
            pid: pid, inputWriter: pipes.input?.write ?? -1, outputReader: pipes.output?.read ?? -1,
            errorReader: pipes.error?.read ?? -1)
    }

    private func add(
        _ destination: Output, as descriptor: Int32, pipe: Int32?,
        to actions: inout posix_spawn_file_actions_t
    ) {
        switch destination {
        case .null: posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_WRONLY, 0)
        case .inherit: break
        case .capture: posix_spawn_file_actions_adddup2(&actions, pipe!, descriptor)
        case .appendToFile(let path, let mode):
            posix_spawn_file_actions_addopen(&actions, descriptor, path, O_WRONLY | O_CREAT | O_APPEND, mode)
        case .sameAsOutput: posix_spawn_file_actions_adddup2(&actions, 1, descriptor)
        }
    }
}

/// The pipes of one spawn, closed together when the spawn fails.
private struct PipeSet {
    var input: (read: Int32, write: Int32)?
    var output: (read: Int32, write: Int32)?
    var error: (read: Int32, write: Int32)?

    /// A close-on-exec pipe: without O_CLOEXEC a program spawned on another thread meanwhile could
    /// inherit a write end, and this one would never see end of file. (The child's dup2'd copies
    /// are inherited as they should be.)
    static func make() throws(ProgramSpawnError) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        let result = ends.withUnsafeMutableBufferPointer { pipe2Function($0.baseAddress!, O_CLOEXEC) }
        guard result == 0 else { throw .setup(what: "pipe", errno: errno) }
        return (ends[0], ends[1])
    }

    func closeAll() {
        for pair in [input, output, error] {
            if let pair {
                close(pair.read)
                close(pair.write)
            }
        }
    }
}

/// NUL-terminated copies of byte strings and the NULL-ended pointer array C wants.
private final class CStringArray {
    let pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [[UInt8]]) {
        pointers =
            strings.map { bytes in
                let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
                for (index, byte) in bytes.enumerated() { buffer[index] = CChar(bitPattern: byte) }
                buffer[bytes.count] = 0
                return buffer
            } + [nil]
    }

    deinit {
        pointers.forEach { $0?.deallocate() }
    }
}
