import AiopsCore
import AiopsPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// Whether this host runs systemd as PID 1 and keeps a journal: the two things every service
/// command needs. On a host without them the answer is one plain sentence and exit 69 — never
/// an empty report that looks like "nothing happened".
public struct SystemdHost: Sendable {
    /// Root of the filesystem to look at ("" for the real one; tests point it elsewhere).
    public var root: String

    public init(root: String = "") {
        self.root = root
    }

    /// sd_booted()'s test: systemd creates /run/systemd/system/ early at boot, and nothing else does.
    public var isSystemdPID1: Bool {
        var info = stat()
        return stat(root + "/run/systemd/system", &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Name of PID 1 (its comm), for the message when it is not systemd.
    public var initName: String {
        guard let file = fopen(root + "/proc/1/comm", "r") else { return "unknown" }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = fread(&buffer, 1, buffer.count, file)
        var bytes = buffer.prefix(count)
        while bytes.last == 10 { bytes = bytes.dropLast() }
        return UntrustedText(bytes).terminalSafe
    }

    /// Whether journald keeps files anywhere journalctl reads by default (persistent or volatile).
    public var hasJournal: Bool {
        ["/var/log/journal", "/run/log/journal"].contains { directoryHasEntries(root + $0) }
    }

    private func directoryHasEntries(_ path: String) -> Bool {
        var found = false
        DirectoryListing.forEachEntry(in: path) { _ in
            found = true
            return .stop
        }
        return found
    }

    /// Throws the exit-69 error when service analysis cannot work here.
    public func requireSystemd() throws(AiopsError) {
        guard isSystemdPID1 else {
            throw AiopsError(
                .unavailable,
                "this host does not run systemd as init (PID 1 is '\(initName)'): there are no systemd "
                    + "services or journal to analyze here",
                hint: "run aiops on the machine (or in the container) whose PID 1 is systemd")
        }
        guard hasJournal else {
            throw AiopsError(
                .unavailable,
                "systemd runs, but no journal was found in /var/log/journal or /run/log/journal: "
                    + "no history to read (this is not the same as \"no events\")",
                hint: "check systemd-journald.service and Storage= in journald.conf")
        }
    }
}
