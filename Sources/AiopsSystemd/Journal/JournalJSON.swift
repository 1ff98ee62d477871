/// Parses one line of `journalctl -o json`: a flat object whose values are a string, null (a
/// value too large to show), an array of byte numbers (a value that is not valid UTF-8 or holds
/// control characters), or an array of those (a field that occurs more than once). Nothing else
/// is accepted; a malformed line is nil, never a crash.
public enum JournalJSON {
    public static func parse(_ line: ArraySlice<UInt8>) -> JournalEntry? {
        var parser = Parser(bytes: line)
        return parser.entry()
    }

    public static func parse(_ line: [UInt8]) -> JournalEntry? { parse(line[...]) }

    private struct Parser {
        let bytes: ArraySlice<UInt8>
        var index: Int

        init(bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            self.index = bytes.startIndex
        }

        mutating func entry() -> JournalEntry? {
            skipSpace()
            guard take(UInt8(ascii: "{")) else { return nil }
            var fields: [String: [JournalEntry.Value]] = [:]
            skipSpace()
            if take(UInt8(ascii: "}")) { return finish(fields) }
            while true {
                skipSpace()
                guard let key = string() else { return nil }
                skipSpace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipSpace()
                guard let values = fieldValues() else { return nil }
                fields[String(decoding: key, as: UTF8.self), default: []] += values
                skipSpace()
                if take(UInt8(ascii: ",")) { continue }
                guard take(UInt8(ascii: "}")) else { return nil }
                return finish(fields)
            }
        }

        private mutating func finish(_ fields: [String: [JournalEntry.Value]]) -> JournalEntry? {
            skipSpace()
            return index == bytes.endIndex ? JournalEntry(fields: fields) : nil
        }

        /// A field's value(s): one value, or an array of values (a repeated field).
        private mutating func fieldValues() -> [JournalEntry.Value]? {
            if let single = value() { return [single] }
            guard peek() == UInt8(ascii: "[") else { return nil }
            // Either a byte array (one value) or an array of values: look at the first element.
            let start = index
            if let array = byteArray() { return [.bytes(array)] }
            index = start
            _ = take(UInt8(ascii: "["))
            var values: [JournalEntry.Value] = []
            skipSpace()
            if take(UInt8(ascii: "]")) { return values }
            while true {
                skipSpace()
                if let one = value() {
                    values.append(one)
                } else if let array = byteArray() {
                    values.append(.bytes(array))
                } else {
                    return nil
                }
                skipSpace()
                if take(UInt8(ascii: ",")) { continue }
                guard take(UInt8(ascii: "]")) else { return nil }
                return values
            }
        }

        /// A string or null.
        private mutating func value() -> JournalEntry.Value? {
            if peek() == UInt8(ascii: "\"") { return string().map { .bytes($0) } }
            if matchLiteral("null") { return .omitted }
            return nil
        }

        /// [n, n, …] with every n in 0...255.
        private mutating func byteArray() -> [UInt8]? {
            guard take(UInt8(ascii: "[")) else { return nil }
            var result: [UInt8] = []
            skipSpace()
            if take(UInt8(ascii: "]")) { return result }
            while true {
                skipSpace()
                var number = 0
                var digits = 0
                while let byte = peek(), byte >= 48, byte <= 57, digits < 4 {
                    number = number * 10 + Int(byte - 48)
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

        /// A JSON string's bytes, escapes decoded (\uXXXX, surrogate pairs included).
        private mutating func string() -> [UInt8]? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            var result: [UInt8] = []
            while index < bytes.endIndex {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""): return result
                case UInt8(ascii: "\\"):
                    guard let escaped = peek() else { return nil }
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "n"): result.append(10)
                    case UInt8(ascii: "t"): result.append(9)
                    case UInt8(ascii: "r"): result.append(13)
                    case UInt8(ascii: "b"): result.append(8)
                    case UInt8(ascii: "f"): result.append(12)
                    case UInt8(ascii: "u"):
                        guard var scalar = hex4() else { return nil }
                        if (0xD800...0xDBFF).contains(scalar), matchLiteral("\\u"), let low = hex4(),
                            (0xDC00...0xDFFF).contains(low)
                        {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        let decoded = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                        result.append(contentsOf: String(decoded).utf8)
                    default: result.append(escaped)  // \" \\ \/
                    }
                default: result.append(byte)
                }
            }
            return nil
        }

        private mutating func hex4() -> UInt32? {
            guard bytes.endIndex - index >= 4 else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case 48...57: digit = byte - 48
                case 97...102: digit = byte - 87
                case 65...70: digit = byte - 55
                default: return nil
                }
                value = value << 4 | UInt32(digit)
                index += 1
            }
            return value
        }

        private func peek() -> UInt8? { index < bytes.endIndex ? bytes[index] : nil }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard peek() == byte else { return false }
            index += 1
            return true
        }

        private mutating func matchLiteral(_ literal: StaticString) -> Bool {
            let expected = literal.withUTF8Buffer { Array($0) }
            let count = expected.count
            guard bytes.endIndex - index >= count else { return false }
            let matches = expected == Array(bytes[index..<index + count])
            if matches { index += count }
            return matches
        }

        private mutating func skipSpace() {
            while let byte = peek(), byte == 32 || byte == 9 || byte == 10 || byte == 13 { index += 1 }
        }
    }
}
