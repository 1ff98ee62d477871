import AiopsCore

/// Writes JSON into a byte buffer, fast enough for tens of thousands of events per second and
/// valid for any input: control characters are escaped, invalid UTF-8 from untrusted bytes is
/// replaced by U+FFFD, non-finite numbers become null. Keys are written in the order given, so
/// output is stable line to line.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    /// Bit n: the container at depth n + 1 already holds a value, so the next needs a comma.
    private var commaBits: UInt64 = 0
    private var depth = 0

    public init(reservingCapacity capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
    }

    /// Empties the writer, keeping its storage: one writer serves every line of a session.
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        commaBits = 0
        depth = 0
    }

    /// A value that is already complete, valid JSON (e.g. an event from `EventJSONEncoder`).
    public mutating func encodedValue(_ json: [UInt8]) {
        separate()
        bytes.append(contentsOf: json)
    }

    /// A string whose content `write` appends and promises needs no escaping (e.g. a timestamp).
    public mutating func preformattedString(_ write: (inout [UInt8]) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        write(&bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        open()
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        depth -= 1
    }

    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        open()
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        depth -= 1
    }

    /// Writes `"key":`; the next value call writes the value.
    public mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        if depth > 0 { commaBits &= ~(1 << UInt64(depth - 1)) }  // the value follows without a comma
    }

    public mutating func string(_ value: String) {
        separate()
        appendQuoted(value.utf8)
    }

    public mutating func string(_ value: UntrustedText) {
        separate()
        var decoder = UTF8Decoding(value.bytes)
        bytes.append(UInt8(ascii: "\""))
        while let piece = decoder.next() {
            switch piece {
            case .valid(let range): appendEscaped(value.bytes[range])
            case .invalid: bytes.append(contentsOf: [0xEF, 0xBF, 0xBD])  // U+FFFD
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func integer<T: BinaryInteger>(_ value: T) {
        separate()
        bytes.appendDecimal(value)
    }

    /// A number with at most `digits` decimals, trailing zeros kept short.
    public mutating func number(_ value: Double, digits: Int = 6) {
        separate()
        guard value.isFinite else {
            bytes.append(contentsOf: "null".utf8)
            return
        }
        appendFixedPoint(value, digits: digits, to: &bytes)
    }

    public mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    public mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
    }

    public mutating func optional<T>(_ value: T?, _ write: (inout JSONWriter, T) -> Void) {
        if let value { write(&self, value) } else { null() }
    }

    private mutating func separate() {
        guard depth > 0 else { return }
        let bit: UInt64 = 1 << UInt64(depth - 1)
        if commaBits & bit != 0 { bytes.append(UInt8(ascii: ",")) }
        commaBits |= bit
    }

    private mutating func open() {
        precondition(depth < 64, "JSON nested deeper than 64 levels")
        depth += 1
        commaBits &= ~(1 << UInt64(depth - 1))
    }

    private mutating func appendQuoted<C: Collection>(_ utf8: C) where C.Element == UInt8 {
        bytes.append(UInt8(ascii: "\""))
        appendEscaped(utf8)
        bytes.append(UInt8(ascii: "\""))
    }

    /// JSON's own escapes, plus `\u` escapes for what is valid JSON but acts on a terminal that
    /// shows it (`aiops trace --json` on a terminal, `jq -r`): C1 controls (an 8-bit CSI is
    /// U+009B), the bidirectional marks, overrides and isolates ("Trojan Source"), and the line
    /// and paragraph separators. The decoded string is unchanged: the bytes stay exact.
    /// `utf8` is valid UTF-8 (a String, or a valid run of untrusted bytes).
    private mutating func appendEscaped<C: Collection>(_ utf8: C) where C.Element == UInt8 {
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [92, UInt8(ascii: "\"")])
            case 92: bytes.append(contentsOf: [92, 92])
            case 0x0A: bytes.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20, 0x7F: appendUnicodeEscape(UInt32(byte))
            case 0xC2, 0xD8, 0xE2:
                let (scalar, length) = Self.scalar(in: utf8, at: index)
                if Self.actsOnTerminals(scalar) {
                    appendUnicodeEscape(scalar)
                } else {
                    bytes.append(contentsOf: utf8[index..<utf8.index(index, offsetBy: length)])
                }
                index = utf8.index(index, offsetBy: length)
                continue
            default: bytes.append(byte)
            }
            index = utf8.index(after: index)
        }
    }

    private static func actsOnTerminals(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x80..<0xA0, 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// The scalar of the well-formed 2- or 3-byte sequence at `index` and its length.
    private static func scalar<C: Collection>(in utf8: C, at index: C.Index) -> (UInt32, Int)
    where C.Element == UInt8 {
        let lead = UInt32(utf8[index])
        let second = UInt32(utf8[utf8.index(after: index)])
        if lead < 0xE0 { return ((lead & 0x1F) << 6 | (second & 0x3F), 2) }
        let third = UInt32(utf8[utf8.index(index, offsetBy: 2)])
        return ((lead & 0x0F) << 12 | (second & 0x3F) << 6 | (third & 0x3F), 3)
    }

    private mutating func appendUnicodeEscape(_ scalar: UInt32) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        bytes.append(contentsOf: [92, UInt8(ascii: "u")])
        for shift in stride(from: 12, through: 0, by: -4) {
            bytes.append(hex[Int((scalar >> UInt32(shift)) & 0xF)])
        }
    }
}

/// Splits bytes into runs of valid UTF-8 and single invalid bytes.
struct UTF8Decoding {
    enum Piece {
        case valid(Range<Int>)
        case invalid(Int)
    }

    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func next() -> Piece? {
        guard index < bytes.count else { return nil }
        let start = index
        while index < bytes.count, case let (length, true) = sequence(at: index) { index += length }
        if index > start { return .valid(start..<index) }
        // One invalid piece per maximal subpart (Unicode 3.9, "U+FFFD substitution of maximal
        // subparts"), as String(decoding:as:) does: before, each byte of a truncated sequence such
        // as E2 82 was its own piece, so the JSON value had more U+FFFD than UntrustedText.lossyString.
        index += sequence(at: start).length
        return .invalid(start)
    }

    /// The sequence at `position`: its length and true when it is well-formed; otherwise the
    /// length of its maximal subpart (the lead byte plus the continuation bytes that could still
    /// have completed it, at least 1) and false.
    private func sequence(at position: Int) -> (length: Int, valid: Bool) {
        let lead = bytes[position]
        if lead < 0x80 { return (1, true) }
        let length: Int
        var range: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: (length, range) = (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: (length, range) = (3, 0x80...0x9F)  // no surrogates
        case 0xF0: (length, range) = (4, 0x90...0xBF)
        case 0xF1...0xF3: length = 4
        case 0xF4: (length, range) = (4, 0x80...0x8F)
        default: return (1, false)
        }
        var matched = 1
        while matched < length, position + matched < bytes.count,
            (matched == 1 ? range : 0x80...0xBF).contains(bytes[position + matched])
        {
            matched += 1
        }
        return (matched, matched == length)
    }
}

/// Fixed-point decimal text without Foundation: "1.5", "0.000123", "12".
func formatDecimal(_ value: Double, digits: Int) -> String {
    var bytes: [UInt8] = []
    appendFixedPoint(value, digits: digits, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
}

/// `value` with at most `digits` decimals and no trailing zeros ("1.5", "0.000123", "12"),
/// written as bytes: this runs twice per exit event.
func appendFixedPoint(_ value: Double, digits: Int, to output: inout [UInt8]) {
    // Clamped: 10^19 no longer fits a UInt64, and a negative count means none.
    let digits = min(max(digits, 0), 18)
    var scale: UInt64 = 1
    for _ in 0..<digits { scale *= 10 }
    let scaled = (abs(value) * Double(scale)).rounded()
    guard scaled < 9.0e18 else {
        output.append(contentsOf: String(value).utf8)
        return
    }
    let units = UInt64(scaled)
    if value < 0 && units != 0 { output.append(UInt8(ascii: "-")) }
    output.appendDecimal(units / scale)
    var fraction = units % scale
    guard fraction != 0 else { return }
    var width = digits
    while fraction % 10 == 0 {
        fraction /= 10
        width -= 1
    }
    output.append(UInt8(ascii: "."))
    output.appendZeroPadded(Int(fraction), width: width)
}
