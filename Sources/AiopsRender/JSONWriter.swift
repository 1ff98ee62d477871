import AiopsCore

/// Writes JSON into a byte buffer, fast enough for tens of thousands of events per second and
/// valid for any input: control characters are escaped, invalid UTF-8 from untrusted bytes is
/// replaced by U+FFFD, non-finite numbers become null. Keys are written in the order given, so
/// output is stable line to line.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = []

    public init(reservingCapacity capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma.removeLast()
    }

    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma.removeLast()
    }

    /// Writes `"key":`; the next value call writes the value.
    public mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        if !needsComma.isEmpty { needsComma[needsComma.count - 1] = false }
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
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A number with at most `digits` decimals, trailing zeros kept short.
    public mutating func number(_ value: Double, digits: Int = 6) {
        separate()
        guard value.isFinite else {
            bytes.append(contentsOf: "null".utf8)
            return
        }
        bytes.append(contentsOf: formatDecimal(value, digits: digits).utf8)
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
        guard let last = needsComma.last else { return }
        if last { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    private mutating func appendQuoted<C: Collection>(_ utf8: C) where C.Element == UInt8 {
        bytes.append(UInt8(ascii: "\""))
        appendEscaped(utf8)
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscaped<C: Collection>(_ utf8: C) where C.Element == UInt8 {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [92, UInt8(ascii: "\"")])
            case 92: bytes.append(contentsOf: [92, 92])
            case 0x0A: bytes.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20, 0x7F:
                bytes.append(contentsOf: [
                    92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 0xF)],
                ])
            default: bytes.append(byte)
            }
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
    let negative = value < 0
    // Clamped: a negative count trapped in the loop below, and beyond 19 UInt64(scale) trapped.
    let digits = min(max(digits, 0), 19)
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    guard scaled < 9.0e18 else { return String(value) }
    let units = UInt64(scaled)
    let whole = units / UInt64(scale)
    var fraction = String(units % UInt64(scale))
    // max(0, …): with digits 0, fraction is "0" and the count was -1, a trap.
    fraction = String(repeating: "0", count: max(0, digits - fraction.count)) + fraction
    while fraction.last == "0" { fraction.removeLast() }
    let text = fraction.isEmpty ? String(whole) : "\(whole).\(fraction)"
    return negative && units != 0 ? "-" + text : text
}
