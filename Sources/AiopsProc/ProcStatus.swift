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
    /// Resident set (VmRSS) and locked memory (VmLck), in KiB: what ps's %MEM, RSS and the
    /// "L" STAT flag use.
    public var residentKiB: UInt64?
    public var lockedKiB: UInt64?

    public var realUID: UInt32? { uids.first }
    /// The effective uid: whom ps aux shows as USER.
    public var effectiveUID: UInt32? { uids.count > 1 ? uids[1] : nil }

    public static func parse(_ bytes: [UInt8]) -> ProcStatus {
        var status = ProcStatus(
            tgid: nil, ppid: nil, uids: [], threads: nil, namespacePIDs: [], residentKiB: nil, lockedKiB: nil)
        // One pass over "Name:\tvalue\n" lines; only the wanted names are looked at (this runs
        // for every process of every snapshot, and status has ~60 lines).
        var lineStart = 0
        while lineStart < bytes.count {
            let lineEnd = bytes[lineStart...].firstIndex(of: 10) ?? bytes.count
            defer { lineStart = lineEnd + 1 }
            guard let colon = bytes[lineStart..<lineEnd].firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = bytes[lineStart..<colon]
            guard let field = Field(name) else { continue }
            let values = bytes[(colon + 1)..<lineEnd].split(whereSeparator: { $0 == 32 || $0 == 9 })
            switch field {
            case .tgid: status.tgid = values.first.flatMap { Int32(ascii: $0) }
            case .ppid: status.ppid = values.first.flatMap { Int32(ascii: $0) }
            case .uid: status.uids = values.compactMap { UInt32(ascii: $0) }
            case .threads: status.threads = values.first.flatMap { Int(ascii: $0) }
            case .namespacePIDs: status.namespacePIDs = values.compactMap { Int32(ascii: $0) }
            case .resident: status.residentKiB = values.first.flatMap { UInt64(ascii: $0) }
            case .locked: status.lockedKiB = values.first.flatMap { UInt64(ascii: $0) }
            }
        }
        return status
    }

    /// The status lines this parser reads, recognised by their name's bytes.
    private enum Field {
        case tgid, ppid, uid, threads, namespacePIDs, resident, locked

        init?(_ name: ArraySlice<UInt8>) {
            switch name.count {
            case 3 where name.elementsEqual("Uid".utf8): self = .uid
            case 4 where name.elementsEqual("Tgid".utf8): self = .tgid
            case 4 where name.elementsEqual("PPid".utf8): self = .ppid
            case 5 where name.elementsEqual("NSpid".utf8): self = .namespacePIDs
            case 5 where name.elementsEqual("VmRSS".utf8): self = .resident
            case 5 where name.elementsEqual("VmLck".utf8): self = .locked
            case 7 where name.elementsEqual("Threads".utf8): self = .threads
            default: return nil
            }
        }
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
