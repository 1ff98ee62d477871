import AiopsCore

/// The fields of /proc/<pid>/status that /proc/<pid>/stat lacks.
public struct ProcStatus: Hashable, Sendable {
    public var tgid: Int32?
    public var ppid: Int32?
    /// Real, effective, saved, filesystem uid.
    public var uids: [UInt32]
    public var threads: Int?
    /// The pid in each nested pid namespace, outermost first (a container's init shows "… 1").
    public var namespacePIDs: [Int32]

    public var realUID: UInt32? { uids.first }

    public static func parse(_ bytes: [UInt8]) -> ProcStatus {
        var status = ProcStatus(tgid: nil, ppid: nil, uids: [], threads: nil, namespacePIDs: [])
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = line[line.startIndex..<colon]
            let values = line[(colon + 1)...].split(whereSeparator: { $0 == 32 || $0 == 9 })
            switch String(decoding: name, as: UTF8.self) {
            case "Tgid": status.tgid = values.first.flatMap { Int32(ascii: $0) }
            case "PPid": status.ppid = values.first.flatMap { Int32(ascii: $0) }
            case "Uid": status.uids = values.compactMap { UInt32(ascii: $0) }
            case "Threads": status.threads = values.first.flatMap { Int(ascii: $0) }
            case "NSpid": status.namespacePIDs = values.compactMap { Int32(ascii: $0) }
            default: continue
            }
        }
        return status
    }
}

/// /proc/<pid>/cmdline: NUL-separated arguments. Empty for kernel threads and zombies.
public enum ProcCommandLine {
    public static func parse(_ bytes: [UInt8]) -> [UntrustedText] {
        guard !bytes.isEmpty else { return [] }
        var arguments = bytes.split(separator: 0, omittingEmptySubsequences: false).map { UntrustedText($0) }
        // The final NUL terminates the last argument; it does not start an empty one.
        if bytes.last == 0 { arguments.removeLast() }
        return arguments
    }
}

/// /proc/<pid>/cgroup: the cgroup v2 path (the "0::" line), if the process is in one.
public enum ProcCgroup {
    public static func unifiedPath(_ bytes: [UInt8]) -> UntrustedText? {
        for line in bytes.split(separator: UInt8(ascii: "\n")) where line.starts(with: Array("0::".utf8)) {
            return UntrustedText(line.dropFirst(3))
        }
        return nil
    }
}
