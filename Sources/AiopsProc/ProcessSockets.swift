/// A process's sockets: the inodes of its socket descriptors, found in the tables of its own
/// network namespace (/proc/<pid>/net/* shows the namespace of that process, which for a
/// container differs from ours).
public struct ProcessSockets: Hashable, Sendable {
    /// TCP and UDP, IPv4 and IPv6.
    public var internet: [InternetSocket] = []
    public var unix: [UnixSocket] = []
    /// Sockets (distinct inodes) found in none of the tables read: netlink, packet, raw, vsock… or a
    /// table that could not be read.
    public var otherSockets = 0
    /// Tables that could not be read, by name ("tcp6": .missing on a kernel without IPv6).
    public var unreadableTables: [String: ProcUnavailable] = [:]

    public init() {}

    public var listening: [InternetSocket] {
        internet.filter { $0.isListening || $0.isUnconnectedUDP }
    }

    /// Connected TCP and UDP sockets, whatever their state.
    public var connections: [InternetSocket] {
        internet.filter { !$0.isListening && !$0.isUnconnectedUDP }
    }

    /// TCP sockets by state name.
    public var tcpStates: [String: Int] {
        internet.filter { $0.transport == .tcp }.reduce(into: [:]) { $0[$1.stateName, default: 0] += 1 }
    }
}

extension ProcFS {
    static let internetTables: [(String, InternetSocket.Transport)] = [
        ("tcp", .tcp), ("tcp6", .tcp), ("udp", .udp), ("udp6", .udp),
    ]

    /// The sockets among `inodes` (from `openFiles`), looked up in the process's namespace.
    public func sockets(pid: Int32, inodes: [UInt64]) -> ProcReading<ProcessSockets> {
        var result = ProcessSockets()
        let wanted = Set(inodes)
        var found: Set<UInt64> = []
        guard !wanted.isEmpty else { return .value(result) }
        for (name, transport) in Self.internetTables {
            switch readGrowing("\(pid)/net/\(name)") {
            case .bytes(let bytes, _):
                for socket in InternetSocketTable.parse(bytes, transport: transport)
                where socket.inode != 0 && wanted.contains(socket.inode)
                    && found.insert(socket.inode).inserted
                {
                    result.internet.append(socket)
                }
            case .gone: result.unreadableTables[name] = exists(pid: pid) ? .missing : .gone
            case .denied: result.unreadableTables[name] = .permission
            case .failed: result.unreadableTables[name] = .failed
            }
        }
        switch readGrowing("\(pid)/net/unix") {
        case .bytes(let bytes, _):
            for socket in UnixSocketTable.parse(bytes)
            where wanted.contains(socket.inode) && found.insert(socket.inode).inserted {
                result.unix.append(socket)
            }
        case .gone: result.unreadableTables["unix"] = exists(pid: pid) ? .missing : .gone
        case .denied: result.unreadableTables["unix"] = .permission
        case .failed: result.unreadableTables["unix"] = .failed
        }
        if result.unreadableTables.values.contains(.gone) { return .unavailable(.gone) }
        if result.unreadableTables.count == 5, let reason = result.unreadableTables.values.first {
            return .unavailable(reason)
        }
        result.otherSockets = wanted.count - found.count
        return .value(result)
    }
}
