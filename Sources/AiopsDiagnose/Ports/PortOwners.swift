import AiopsCore
import AiopsProc

/// A process holding a listening socket on a port.
public struct PortOwner: Hashable, Sendable {
    public var process: ProcessSnapshot
    /// The unit of its cgroup ("apache2.service"), when it runs in one.
    public var unit: String?
    public var socket: InternetSocket

    public var pid: Int32 { process.pid }
}

/// Who listens on a port right now: the listening sockets in /proc/net/{tcp,tcp6,udp,udp6}
/// (this network namespace), then the processes whose descriptors point at those inodes.
public struct PortOwnerFinder: Sendable {
    public let procfs: ProcFS

    public init(procfs: ProcFS = ProcFS()) {
        self.procfs = procfs
    }

    public struct Found: Sendable {
        /// Listening sockets on the port (TCP LISTEN, unconnected UDP).
        public var sockets: [InternetSocket]
        public var owners: [PortOwner]
        /// Socket inodes whose process could not be found: descriptors of processes this user may
        /// not inspect (without root), or a socket passed out of every process (held by the kernel).
        public var unattributedInodes: [UInt64]
        /// Processes whose descriptors could not be listed.
        public var unreadableProcesses: Int
    }

    public func listeners(port: UInt16) -> Found {
        var sockets: [InternetSocket] = []
        for (name, transport) in [
            ("tcp", InternetSocket.Transport.tcp), ("tcp6", .tcp), ("udp", .udp), ("udp6", .udp),
        ] {
            guard let bytes = procfs.readGrowing("net/\(name)").bytes else { continue }
            sockets += InternetSocketTable.parse(bytes, transport: transport).filter {
                $0.localPort == port && ($0.isListening || $0.isUnconnectedUDP) && $0.inode != 0
            }
        }
        guard !sockets.isEmpty else {
            return Found(sockets: [], owners: [], unattributedInodes: [], unreadableProcesses: 0)
        }
        let byInode = Dictionary(sockets.map { ($0.inode, $0) }, uniquingKeysWith: { first, _ in first })
        var owners: [PortOwner] = []
        var attributed: Set<UInt64> = []
        var unreadable = 0
        let reader = ProcessSnapshotReader(procfs: procfs)
        for pid in procfs.pids() {
            guard case .value(let files) = procfs.openFiles(pid: pid) else {
                unreadable += 1
                continue
            }
            var seen: Set<UInt64> = []
            for inode in files.socketInodes where byInode[inode] != nil && seen.insert(inode).inserted {
                guard let snapshot = reader.snapshot(pid: pid) else { continue }
                attributed.insert(inode)
                owners.append(PortOwner(process: snapshot, unit: unit(of: pid), socket: byInode[inode]!))
            }
        }
        let unattributed = sockets.map(\.inode).filter { !attributed.contains($0) }
        return Found(
            sockets: sockets, owners: owners, unattributedInodes: unattributed,
            unreadableProcesses: unreadable)
    }

    /// The innermost service or scope of the process's cgroup: the v2 path, else systemd's v1
    /// "name=systemd" hierarchy.
    func unit(of pid: Int32) -> String? {
        guard let bytes = procfs.read("\(pid)/cgroup").bytes else { return nil }
        if let unified = ProcCgroup.unifiedPath(bytes),
            let unit = UnitName.innermostUnit(inCgroupPath: unified.lossyString)
        {
            return unit
        }
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            let text = String(decoding: line, as: UTF8.self)
            if let range = text.firstRange(of: ":name=systemd:") {
                return UnitName.innermostUnit(inCgroupPath: String(text[range.upperBound...]))
            }
        }
        return nil
    }
}
