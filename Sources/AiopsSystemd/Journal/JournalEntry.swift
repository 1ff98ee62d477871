import AiopsCore

/// One journal entry as `journalctl -o json` gives it. Every value is untrusted bytes: a field
/// may hold anything a process wrote, including escape sequences and invalid UTF-8. Only the
/// `_`-prefixed fields are set by journald itself; the others are whatever the sender claimed.
public struct JournalEntry: Sendable, Equatable {
    /// One occurrence of a field.
    public enum Value: Sendable, Equatable {
        case bytes([UInt8])
        /// journalctl printed null: the value was too large to show (over 4096 bytes without --all).
        case omitted
    }

    /// A field may occur several times in one entry; journalctl then prints an array.
    public var fields: [String: [Value]]

    public init(fields: [String: [Value]]) {
        self.fields = fields
    }

    /// The first occurrence's bytes.
    public func bytes(_ key: String) -> [UInt8]? {
        guard case .bytes(let value)? = fields[key]?.first else { return nil }
        return value
    }

    public func text(_ key: String) -> UntrustedText? { bytes(key).map(UntrustedText.init(bytes:)) }

    /// A value known to be systemd's own ASCII vocabulary (ids, numbers, result names); nil when
    /// it is anything else, so a hostile value can never pass as one.
    public func word(_ key: String) -> String? {
        guard let value = bytes(key), !value.isEmpty, value.count <= 256,
            value.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { return nil }
        return String(decoding: value, as: UTF8.self)
    }

    public func integer(_ key: String) -> Int64? { word(key).flatMap { Int64($0) } }

    /// When journald received it, Unix microseconds.
    public var realtimeMicroseconds: Int64? { integer("__REALTIME_TIMESTAMP") }
    public var monotonicMicroseconds: Int64? { integer("__MONOTONIC_TIMESTAMP") }
    public var bootID: String? { word("_BOOT_ID") }
    public var message: UntrustedText? { text("MESSAGE") }
    public var messageOmitted: Bool { fields["MESSAGE"]?.first == .omitted }
    public var messageID: String? { word("MESSAGE_ID") }
    /// Set by journald from the sender's credentials: trustworthy.
    public var pid: Int32? { integer("_PID").flatMap { Int32(exactly: $0) } }
    public var uid: UInt32? { integer("_UID").flatMap { UInt32(exactly: $0) } }
    public var priority: Int? { integer("PRIORITY").flatMap { Int(exactly: $0) } }
    public var identifier: UntrustedText? { text("SYSLOG_IDENTIFIER") ?? text("_COMM") }
}
