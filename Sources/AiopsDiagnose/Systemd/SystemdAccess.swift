import AiopsCore

#if canImport(Glibc)
    import Glibc
#endif

/// How the diagnosis reaches systemd: `systemctl show` and `journalctl -o json`, run as
/// programs (no D-Bus library), each unit name a single argv element.
public struct SystemdAccess: Sendable {
    public enum Problem: Error, Equatable, Sendable {
        /// PID 1 is not systemd (a container, another init): there are no units to diagnose.
        case notBootedWithSystemd
        case toolMissing(String)
        /// systemctl or journalctl failed: their own words (untrusted).
        case commandFailed(String, UntrustedText)
    }

    public init() {}

    /// systemd's own test (sd_booted): it creates /run/systemd/system/ early at boot, and only
    /// when it runs as PID 1.
    public static func bootedWithSystemd(root: String = "") -> Bool {
        var info = stat()
        return lstat(root + "/run/systemd/system", &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    public func checkAvailable() throws(Problem) {
        guard Self.bootedWithSystemd() else { throw .notBootedWithSystemd }
        for tool in ["systemctl", "journalctl"] where BoundedCommand.locate(tool) == nil {
            throw .toolMissing(tool)
        }
    }

    /// The given properties of one unit. An unknown unit is not an error here: systemd answers
    /// with LoadState=not-found.
    public func show(_ unit: String, properties: [String]) throws(Problem) -> UnitProperties {
        let command = BoundedCommand(
            ["systemctl", "show", "--timestamp=us+utc", "-p", properties.joined(separator: ","), "--", unit],
            timeoutSeconds: 20)
        let result = try run(command)
        guard result.succeeded else {
            throw .commandFailed("systemctl show", UntrustedText(bytes: result.standardError))
        }
        return UnitProperties.parse(result.standardOutput)
    }

    /// The same properties of several units, in the order given.
    public func show(units: [String], properties: [String]) throws(Problem) -> [UnitProperties] {
        guard !units.isEmpty else { return [] }
        let command = BoundedCommand(
            ["systemctl", "show", "--timestamp=us+utc", "-p", properties.joined(separator: ","), "--"]
                + units,
            timeoutSeconds: 20)
        let result = try run(command)
        guard result.succeeded else {
            throw .commandFailed("systemctl show", UntrustedText(bytes: result.standardError))
        }
        return UnitProperties.parseMany(result.standardOutput)
    }

    /// The last `limit` journal entries written by the unit's processes (`_SYSTEMD_UNIT=`) or
    /// about it by systemd (`UNIT=`): spawn failures logged by the forked child before journald
    /// could attribute it carry only UNIT=, and `journalctl -u` would miss them.
    public func journal(units: [String], limit: Int = 2000) throws(Problem) -> [JournalEntry] {
        var matches: [String] = []
        for unit in units {
            if !matches.isEmpty { matches.append("+") }
            matches += ["_SYSTEMD_UNIT=\(unit)", "+", "UNIT=\(unit)"]
        }
        let command = BoundedCommand(
            ["journalctl", "-o", "json", "--all", "--no-pager", "-n", String(limit)] + matches,
            timeoutSeconds: 30, outputLimit: 32 << 20)
        let result = try run(command)
        // journalctl exits 1 with "No journal files were found" when there is no journal at all.
        guard result.succeeded else {
            throw .commandFailed("journalctl", UntrustedText(bytes: result.standardError))
        }
        return JournalEntry.parseLines(result.standardOutput)
    }

    private func run(_ command: BoundedCommand) throws(Problem) -> BoundedCommand.Result {
        do {
            return try command.run()
        } catch {
            switch error {
            case .notFound(let name): throw .toolMissing(name)
            case .spawnFailed(let path, let code):
                throw .commandFailed(path, UntrustedText(stringLiteral: String(cString: strerror(code))))
            }
        }
    }
}
