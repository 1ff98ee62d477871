import AiopsCore

/// One line of /proc/<pid>/net/unix.
public struct UnixSocket: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case stream, datagram, seqpacket, other
    }

    public var kind: Kind
    /// __SO_ACCEPTCON: listen() was called on it.
    public var isListening: Bool
    /// SS_UNCONNECTED 1, SS_CONNECTING 2, SS_CONNECTED 3, SS_DISCONNECTING 4.
    public var state: UInt8
    public var inode: UInt64
    /// The bound path; "@…" for the abstract namespace; nil when unbound (most connected
    /// sockets). Chosen by whoever bound the socket: untrusted bytes.
    public var path: UntrustedText?

    public var isConnected: Bool { state == 3 }
}

public enum UnixSocketTable {
    /// "Num       RefCount Protocol Flags    Type St Inode Path"
    /// "00000000e7c8708c: 00000002 00000000 00010000 0001 01 8164644 /tmp/sock"
    ///
    /// The path is printed raw, so a path containing a newline continues on the next line: such
    /// a continuation does not parse as an entry and is dropped, and when a forged continuation
    /// does parse, the inode it names appears twice — the first entry for an inode wins.
    public static func parse(_ bytes: [UInt8]) -> [UnixSocket] {
        let complete = bytes[..<((bytes.lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1)]
        var seen: Set<UInt64> = []
        var sockets: [UnixSocket] = []
        for line in complete.split(separator: UInt8(ascii: "\n")) {
            guard let socket = parseLine(line), seen.insert(socket.inode).inserted else { continue }
            sockets.append(socket)
        }
        return sockets
    }

    static func parseLine(_ line: ArraySlice<UInt8>) -> UnixSocket? {
        // Seven fixed fields, then " path" if bound: split at most 7 times so the path keeps its
        // spaces.
        let fields = line.split(separator: 32, maxSplits: 7, omittingEmptySubsequences: true)
        guard fields.count >= 7, fields[0].count > 1, fields[0].last == UInt8(ascii: ":"),
            UInt64(hexDigits: fields[0].dropLast()) != nil,
            let flags = UInt32(hexDigits: fields[3]), let type = UInt16(hexDigits: fields[4]),
            fields[5].count == 2, let state = UInt8(hexDigits: fields[5]),
            let inode = UInt64(ascii: fields[6])
        else { return nil }
        let kind: UnixSocket.Kind
        switch type {
        case 1: kind = .stream
        case 2: kind = .datagram
        case 5: kind = .seqpacket
        default: kind = .other
        }
        let path = fields.count == 8 ? UntrustedText(fields[7]) : nil
        return UnixSocket(
            kind: kind, isListening: flags & 0x10000 != 0, state: state, inode: inode, path: path)
    }
}
