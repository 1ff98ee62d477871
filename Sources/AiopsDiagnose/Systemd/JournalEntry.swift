import AiopsCore

/// One journal entry as `journalctl -o json` prints it: a flat object whose values are a string,
/// an array of byte values (a field that is not valid UTF-8), null (a field over 4096 bytes
/// without --all), or an array of those (a field that occurs more than once).
///
/// Minimal by design, like `UnitProperties`: a shared journal reader may replace it. Every
/// value is untrusted — any process writes what it likes into its own fields; only the
/// `_`-prefixed fields are set by journald itself and can be trusted for attribution.
public struct JournalEntry: Sendable {
    public var fields: [String: [UntrustedText]]

    public init(fields: [String: [UntrustedText]]) {
        self.fields = fields
    }

    public func first(_ name: String) -> UntrustedText? { fields[name]?.first }

    public func text(_ name: String) -> String? {
        guard let value = first(name), !value.isEmpty else { return nil }
        return value.lossyString
    }

    public var message: UntrustedText { first("MESSAGE") ?? UntrustedText(bytes: []) }
    public var messageID: String? { text("MESSAGE_ID") }
    /// Microseconds since the epoch (journald's receive time).
    public var realtimeMicroseconds: Int64? { text("__REALTIME_TIMESTAMP").flatMap { Int64($0) } }
    public var pid: Int32? { text("_PID").flatMap { Int32($0) } }
    /// The invocation of the unit this entry belongs to: systemd's own messages carry
    /// INVOCATION_ID, the service's output _SYSTEMD_INVOCATION_ID.
    public var invocationID: String? { text("_SYSTEMD_INVOCATION_ID") ?? text("INVOCATION_ID") }
    /// The program that logged it ("nginx", "systemd", "(daemon)" for a spawning child).
    public var identifier: String? { text("SYSLOG_IDENTIFIER") ?? text("_COMM") }

    /// Parses one line; nil when it is not a JSON object of that shape.
    public static func parse<C: Collection>(_ line: C) -> JournalEntry? where C.Element == UInt8 {
        var parser = FlatJSONParser(Array(line))
        return parser.object().map(JournalEntry.init(fields:))
    }

    /// Every entry of journalctl's output, one per line; lines that do not parse are skipped.
    public static func parseLines(_ bytes: [UInt8]) -> [JournalEntry] {
        bytes.split(separator: UInt8(ascii: "\n")).compactMap { parse($0) }
    }
}

/// Just enough JSON for journal entries. Strings are decoded to their bytes (escapes resolved,
/// \u surrogate pairs joined); numbers inside arrays are the bytes of a binary field.
struct FlatJSONParser {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func object() -> [String: [UntrustedText]]? {
        skipSpace()
        guard take(UInt8(ascii: "{")) else { return nil }
        var fields: [String: [UntrustedText]] = [:]
        skipSpace()
        if take(UInt8(ascii: "}")) { return fields }
        while true {
            skipSpace()
            guard let key = string() else { return nil }
            skipSpace()
            guard take(UInt8(ascii: ":")) else { return nil }
            skipSpace()
            guard let values = value() else { return nil }
            fields[String(decoding: key, as: UTF8.self)] = values
            skipSpace()
            if take(UInt8(ascii: ",")) { continue }
            guard take(UInt8(ascii: "}")) else { return nil }
            return fields
        }
    }

    /// A field's values: one for a string, byte array or null; several for an array of those.
    private mutating func value() -> [UntrustedText]? {
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            return string().map { [UntrustedText(bytes: $0)] }
        case UInt8(ascii: "n"):
            guard literal("null") else { return nil }
            return []
        case UInt8(ascii: "["):
            index += 1
            skipSpace()
            if take(UInt8(ascii: "]")) { return [UntrustedText(bytes: [])] }
            // An array of numbers is one binary value; an array of strings/arrays is a repeated field.
            if bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9") {
                return byteArrayRest().map { [UntrustedText(bytes: $0)] }
            }
            var values: [UntrustedText] = []
            while true {
                skipSpace()
                guard let element = value() else { return nil }
                values += element
                skipSpace()
                if take(UInt8(ascii: ",")) { continue }
                guard take(UInt8(ascii: "]")) else { return nil }
                return values
            }
        default:
            return nil
        }
    }

    /// The numbers of a byte array after its "[" up to and including "]".
    private mutating func byteArrayRest() -> [UInt8]? {
        var result: [UInt8] = []
        while true {
            skipSpace()
            var number = 0
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57, digits < 4 {
                number = number * 10 + Int(bytes[index] - 48)
                digits += 1
                index += 1
            }
            guard digits > 0, number <= 255 else { return nil }
            result.append(UInt8(number))
            skipSpace()
            if take(UInt8(ascii: ",")) { continue }
            guard take(UInt8(ascii: "]")) else { return nil }
            return result
        }
    }

    private mutating func string() -> [UInt8]? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        var result: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return result
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "n"): result.append(10)
                case UInt8(ascii: "t"): result.append(9)
                case UInt8(ascii: "r"): result.append(13)
                case UInt8(ascii: "b"): result.append(8)
                case UInt8(ascii: "f"): result.append(12)
                case UInt8(ascii: "u"):
                    guard let scalar = unicodeEscape() else { return nil }
                    result.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: result.append(escape)  // \" \\ \/
                }
            default:
                result.append(byte)
            }
        }
        return nil
    }

    /// After "\u": four hex digits, and a low surrogate's escape when they are a high one.
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let high = hex4() else { return nil }
        if (0xD800..<0xDC00).contains(high) {
            guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")), let low = hex4(),
                (0xDC00..<0xE000).contains(low)
            else { return Unicode.Scalar(0xFFFD) }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        }
        return Unicode.Scalar(high) ?? Unicode.Scalar(0xFFFD)
    }

    private mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.count, let value = UInt32(hexText: bytes[index..<(index + 4)]) else {
            return nil
        }
        index += 4
        return value
    }

    private mutating func literal(_ word: String) -> Bool {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count,
            Array(bytes[index..<(index + expected.count)]) == expected
        else { return false }
        index += expected.count
        return true
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func skipSpace() {
        while index < bytes.count, [32, 9, 10, 13].contains(bytes[index]) { index += 1 }
    }
}

extension UInt32 {
    fileprivate init?(hexText: ArraySlice<UInt8>) {
        var value: UInt32 = 0
        for byte in hexText {
            let digit: UInt8
            switch byte {
            case 48...57: digit = byte - 48
            case 65...70: digit = byte - 55
            case 97...102: digit = byte - 87
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        self = value
    }
}
