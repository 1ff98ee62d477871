/// One /dev/kmsg record: "prio,seq,timestamp_us,flags;message", then optional " KEY=value"
/// continuation lines (ignored here). The syslog priority carries the facility: 0 is the kernel,
/// anything else was written into /dev/kmsg from user space and proves nothing.
public struct KmsgRecord: Sendable, Equatable {
    public var facility: Int
    public var level: Int
    public var sequence: UInt64
    /// Microseconds since boot (the kernel's printk clock).
    public var bootMicroseconds: Int64
    public var message: [UInt8]

    public var isFromKernel: Bool { facility == 0 }

    public static func parse(_ bytes: ArraySlice<UInt8>) -> KmsgRecord? {
        guard let semicolon = bytes.firstIndex(of: UInt8(ascii: ";")) else { return nil }
        let header = bytes[bytes.startIndex..<semicolon].split(separator: UInt8(ascii: ","))
        guard header.count >= 3, let priority = Int(ascii: header[0]),
            let sequence = UInt64(ascii: header[1]),
            let time = Int64(ascii: header[2])
        else { return nil }
        var message = bytes[(semicolon + 1)...]
        if let newline = message.firstIndex(of: 10) { message = message[..<newline] }
        return KmsgRecord(
            facility: priority >> 3, level: priority & 7, sequence: sequence, bootMicroseconds: time,
            message: Array(message))
    }
}

extension FixedWidthInteger {
    init?(ascii bytes: ArraySlice<UInt8>) {
        guard !bytes.isEmpty, bytes.count <= 20, bytes.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            return nil
        }
        self.init(String(decoding: bytes, as: UTF8.self))
    }
}
