/// An IPv4 or IPv6 address as /proc/net/{tcp,udp}{,6} print it.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// Network byte order: 4 bytes, or 16.
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    public var isIPv6: Bool { bytes.count == 16 }
    public var isUnspecified: Bool { bytes.allSatisfy { $0 == 0 } }

    /// The kernel prints each 32-bit word of the address with "%08X" as a *host-order* integer
    /// (the __be32 words are not byte-swapped first): on little-endian machines 127.0.0.1 reads
    /// "0100007F", and ::1 reads "00000000000000000000000001000000". Each word is parsed as a
    /// number and its bytes laid out in this host's order, which restores network order on any
    /// host, as long as the text was produced by the same byte order (fixtures from a
    /// big-endian machine would need the other order).
    public static func parseKernelHex<C: Collection>(_ hex: C) -> IPAddress? where C.Element == UInt8 {
        let digits = Array(hex)
        guard digits.count == 8 || digits.count == 32 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for start in stride(from: 0, to: digits.count, by: 8) {
            guard let word = UInt32(hexDigits: digits[start..<(start + 8)]) else { return nil }
            withUnsafeBytes(of: word) { bytes.append(contentsOf: $0) }
        }
        return IPAddress(bytes: bytes)
    }

    /// 127.0.0.1; IPv6 in RFC 5952 form (lowercase, the longest run of zero groups as "::"),
    /// with IPv4-mapped addresses as ::ffff:127.0.0.1.
    public var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        guard bytes.count == 16 else { return "?" }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return "::ffff:" + bytes[12...].map(String.init).joined(separator: ".")
        }
        let groups = (0..<8).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }
        // The longest run of two or more zero groups; the first one on a tie.
        var best: Range<Int>?
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            var end = index
            while end < 8 && groups[end] == 0 { end += 1 }
            if end - index >= 2, end - index > (best?.count ?? 0) { best = index..<end }
            index = end
        }
        func text(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard let best else { return text(0..<8) }
        return text(0..<best.lowerBound) + "::" + text(best.upperBound..<8)
    }

    /// "127.0.0.1:8080", "[::1]:8080".
    public func endpoint(port: UInt16) -> String {
        isIPv6 ? "[\(self)]:\(port)" : "\(self):\(port)"
    }
}

/// One line of /proc/<pid>/net/{tcp,tcp6,udp,udp6}.
public struct InternetSocket: Hashable, Sendable {
    public enum Transport: String, Hashable, Sendable {
        case tcp, udp
    }

    public var transport: Transport
    public var localAddress: IPAddress
    public var localPort: UInt16
    public var remoteAddress: IPAddress
    public var remotePort: UInt16
    /// The kernel's TCP state number (include/net/tcp_states.h); UDP uses 1 (connected) and
    /// 7 (not connected).
    public var state: UInt8
    public var transmitQueue: UInt64
    public var receiveQueue: UInt64
    public var uid: UInt32
    /// 0 for sockets without an owner (TIME_WAIT, requests).
    public var inode: UInt64

    public var isIPv6: Bool { localAddress.isIPv6 }
    /// "tcp", "tcp6", "udp", "udp6".
    public var protocolName: String { transport.rawValue + (isIPv6 ? "6" : "") }
    public var isListening: Bool { transport == .tcp && state == 0x0A }
    /// A UDP socket bound but not connected: it receives from anyone on its port.
    public var isUnconnectedUDP: Bool { transport == .udp && state == 0x07 }
    public var isEstablished: Bool { state == 0x01 }

    public var stateName: String {
        if transport == .udp {
            switch state {
            case 0x01: return "ESTABLISHED"
            case 0x07: return "UNCONNECTED"
            default: break
            }
        }
        let names: [UInt8: String] = [
            0x01: "ESTABLISHED", 0x02: "SYN_SENT", 0x03: "SYN_RECV", 0x04: "FIN_WAIT1", 0x05: "FIN_WAIT2",
            0x06: "TIME_WAIT", 0x07: "CLOSE", 0x08: "CLOSE_WAIT", 0x09: "LAST_ACK", 0x0A: "LISTEN",
            0x0B: "CLOSING", 0x0C: "NEW_SYN_RECV", 0x0D: "BOUND_INACTIVE",
        ]
        return names[state] ?? "STATE_\(state)"
    }
}

public enum InternetSocketTable {
    /// Every socket line of a tcp/udp table; the header and lines that do not parse are skipped.
    public static func parse(_ bytes: [UInt8], transport: InternetSocket.Transport) -> [InternetSocket] {
        let complete = bytes[..<((bytes.lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1)]
        return complete.split(separator: UInt8(ascii: "\n")).compactMap {
            parseLine($0, transport: transport)
        }
    }

    /// "   1: 0100007F:B813 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 8164636 …"
    static func parseLine(_ line: ArraySlice<UInt8>, transport: InternetSocket.Transport) -> InternetSocket? {
        let fields = line.split(separator: 32)
        guard fields.count >= 10, fields[0].last == UInt8(ascii: ":"),
            UInt64(ascii: fields[0].dropLast()) != nil,
            let (localAddress, localPort) = endpoint(fields[1]),
            let (remoteAddress, remotePort) = endpoint(fields[2]),
            localAddress.bytes.count == remoteAddress.bytes.count,
            fields[3].count == 2, let state = UInt8(hexDigits: fields[3]),
            let queues = pair(fields[4]),
            let uid = UInt32(ascii: fields[7]), let inode = UInt64(ascii: fields[9])
        else { return nil }
        return InternetSocket(
            transport: transport, localAddress: localAddress, localPort: localPort,
            remoteAddress: remoteAddress, remotePort: remotePort, state: state,
            transmitQueue: queues.0, receiveQueue: queues.1, uid: uid, inode: inode)
    }

    /// "0100007F:B813": an address and a port (the port is printed as a plain host number).
    private static func endpoint(_ field: ArraySlice<UInt8>) -> (IPAddress, UInt16)? {
        let parts = field.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 4, let address = IPAddress.parseKernelHex(parts[0]),
            let port = UInt16(hexDigits: parts[1])
        else { return nil }
        return (address, port)
    }

    /// "0000001A:00000000": transmit and receive queue sizes.
    private static func pair(_ field: ArraySlice<UInt8>) -> (UInt64, UInt64)? {
        let parts = field.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard parts.count == 2, let first = UInt64(hexDigits: parts[0]),
            let second = UInt64(hexDigits: parts[1])
        else { return nil }
        return (first, second)
    }
}

extension FixedWidthInteger {
    /// Parses hexadecimal digits (either case); nil on anything else, on overflow, or when empty.
    init?<C: Collection>(hexDigits: C) where C.Element == UInt8 {
        guard !hexDigits.isEmpty else { return nil }
        var value: Self = 0
        for byte in hexDigits {
            let digit: UInt8
            switch byte {
            case 48...57: digit = byte - 48
            case 65...70: digit = byte - 55
            case 97...102: digit = byte - 87
            default: return nil
            }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 16)
            guard !overflow else { return nil }
            value = shifted | Self(digit)
        }
        self = value
    }
}
