import AiopsCore
import AiopsProc

/// A port the service needed, and who holds it now.
public struct PortConflict: Sendable {
    public var port: UInt16
    /// Where the port came from: the error message, ExecStart, a configuration file.
    public var sources: [String]
    /// Listeners whose address overlaps the one the service wants.
    public var owners: [PortOwner]
    /// Listening sockets whose process could not be identified.
    public var unattributedSockets: Int
    /// The journal said the address was in use.
    public var reportedInUse: Bool
    /// The socket unit that listens on the port for the service, when it comes from one.
    public var socket: SocketOrigin?

    public init(
        port: UInt16, sources: [String], owners: [PortOwner], unattributedSockets: Int, reportedInUse: Bool,
        socket: SocketOrigin? = nil
    ) {
        self.port = port
        self.sources = sources
        self.owners = owners
        self.unattributedSockets = unattributedSockets
        self.reportedInUse = reportedInUse
        self.socket = socket
    }
}

/// Port conflicts: the ports named in the errors, else those the service is configured to use,
/// and the processes that listen on them now.
public struct PortConflictCheck: Sendable {
    public var finder: PortOwnerFinder

    public init(finder: PortOwnerFinder = PortOwnerFinder()) {
        self.finder = finder
    }

    /// `errorLines`: the attempt's messages, and those of a socket unit of the service that
    /// failed (systemd, not the service, binds a socket unit's ports).
    public func run(errorLines: [String], configured: [ConfiguredPort]) -> (CheckResult, [PortConflict]) {
        let mentions = PortMentions.find(in: errorLines)
        var candidates: [(port: UInt16, address: String?, sources: [String], socket: SocketOrigin?)] = []
        func add(_ port: UInt16, _ address: String?, _ source: String, _ socket: SocketOrigin?) {
            if let index = candidates.firstIndex(where: { $0.port == port }) {
                if !candidates[index].sources.contains(source) { candidates[index].sources.append(source) }
                if candidates[index].socket == nil { candidates[index].socket = socket }
            } else {
                candidates.append((port, address, [source], socket))
            }
        }
        for port in mentions.ports { add(port, nil, "journal", nil) }
        // Configured ports are checked when the log names none (Python names none) or agrees.
        for entry in configured where mentions.ports.isEmpty || mentions.ports.contains(entry.port) {
            add(entry.port, entry.address, entry.source, entry.socket)
        }
        guard !candidates.isEmpty else {
            if mentions.conflict {
                return (
                    CheckResult(
                        kind: .portConflict, outcome: .unknown,
                        summary:
                            "the log says an address is in use, but names no port and none is configured",
                        evidence: mentions.lines.map(Self.quote)),
                    []
                )
            }
            return (
                CheckResult(
                    kind: .portConflict, outcome: .notApplicable,
                    summary: "no port named in the errors or found in the configuration"),
                []
            )
        }
        var conflicts: [PortConflict] = []
        var evidence: [String] = mentions.lines.map(Self.quote)
        for (port, address, sources, origin) in candidates {
            let found = finder.listeners(port: port)
            let owners = found.owners.filter { Self.overlaps(wanted: address, held: $0.socket.localAddress) }
            let unattributed = found.sockets.filter { socket in
                found.unattributedInodes.contains(socket.inode)
                    && Self.overlaps(wanted: address, held: socket.localAddress)
            }.count
            conflicts.append(
                PortConflict(
                    port: port, sources: sources, owners: owners, unattributedSockets: unattributed,
                    reportedInUse: mentions.conflict, socket: origin))
            if owners.isEmpty && unattributed == 0 {
                evidence.append("port \(port) (\(sources.joined(separator: "; "))): free now")
            }
            for owner in owners {
                evidence.append(
                    "port \(port): \(owner.socket.protocolName) \(owner.socket.localAddress.endpoint(port: port)) "
                        + "held by PID \(owner.pid) (\(owner.process.stat.comm.terminalSafe))")
            }
            if unattributed > 0 {
                evidence.append(
                    "port \(port): \(unattributed) listening socket(s) whose process is not visible"
                        + (found.unreadableProcesses > 0
                            ? " (\(found.unreadableProcesses) processes unreadable)" : ""))
            }
        }
        let held = conflicts.filter { !$0.owners.isEmpty || $0.unattributedSockets > 0 }
        if let first = held.first {
            let who =
                first.owners.first.map { "PID \($0.pid) (\($0.process.stat.comm.terminalSafe))" }
                ?? "another process"
            return (
                CheckResult(
                    kind: .portConflict, outcome: .failed,
                    summary: "port \(first.port)\(Self.via(first.socket)) is already in use by \(who)",
                    evidence: evidence),
                conflicts
            )
        }
        if mentions.conflict {
            let ports = conflicts.map { String($0.port) }.joined(separator: ", ")
            return (
                CheckResult(
                    kind: .portConflict, outcome: .failed,
                    summary: "the start failed with \"address already in use\"; port \(ports) is free now",
                    evidence: evidence),
                conflicts
            )
        }
        return (
            CheckResult(
                kind: .portConflict, outcome: .passed,
                summary: "port " + conflicts.map { String($0.port) }.joined(separator: ", ") + " free",
                evidence: evidence),
            conflicts
        )
    }

    /// Whether a listener on `held` blocks a bind to `wanted` (nil: any address). A wildcard
    /// on either side overlaps everything ([::] usually takes IPv4 too, unless v6only).
    static func overlaps(wanted: String?, held: IPAddress) -> Bool {
        guard let wanted, !["0.0.0.0", "::", "*", ""].contains(wanted) else { return true }
        if held.isUnspecified { return true }
        let heldText = held.description
        let wantedPlain = wanted == "localhost" ? "127.0.0.1" : wanted
        return heldText == wantedPlain || heldText == "::ffff:" + wantedPlain
    }

    static func quote(_ line: String) -> String { "log: " + line }

    /// " (web.socket ListenStream=)": the port is the socket unit's, bound by systemd.
    static func via(_ socket: SocketOrigin?) -> String {
        socket.map { " (\($0.unit.shown) \($0.directive)=)" } ?? ""
    }
}
