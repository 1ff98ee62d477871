/// Bytes that came from /proc, the kernel or a journal: any process can put escape sequences,
/// newlines, NULs or invalid UTF-8 into its name and arguments. They are kept as bytes (so a
/// comparison or a JSON value loses nothing) and only turn into text through the two escaping
/// views below. There is deliberately no plain `String` conversion.
public struct UntrustedText: Hashable, Sendable, ExpressibleByStringLiteral {
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    public init<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        self.bytes = Array(bytes)
    }

    /// Bytes up to the first NUL, as the kernel's fixed-size char arrays (comm) hold them.
    public init(cString buffer: UnsafeRawBufferPointer) {
        let end = buffer.firstIndex(of: 0) ?? buffer.count
        self.bytes = Array(buffer[0..<end])
    }

    public init(stringLiteral value: String) {
        self.bytes = Array(value.utf8)
    }

    public var isEmpty: Bool { bytes.isEmpty }

    /// For a terminal: valid UTF-8 printable text unchanged; control characters as \n, \t, \e,
    /// \xNN; invalid UTF-8 bytes as \xNN; a backslash doubled so the escaping is unambiguous.
    /// No byte that a terminal interprets survives (C0, DEL, C1 controls, bidi overrides).
    public var terminalSafe: String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        appendTerminalSafe(to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// `terminalSafe`, appended as UTF-8 to `output`: the hot path of the trace table. Printable
    /// ASCII is copied byte by byte; only bytes from 0x80 go through the UTF-8 decoder.
    public func appendTerminalSafe(to output: inout [UInt8]) {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x20 && byte < 0x7F && byte != 0x5C {
                output.append(byte)
                index += 1
                continue
            }
            if byte < 0x80 {
                appendEscapedASCII(byte, to: &output)
                index += 1
                continue
            }
            var decoder = UTF8Decoder(bytes, from: index)
            switch decoder.next() {
            case .scalar(let scalar):
                appendSafeScalar(scalar, bytes: bytes[index..<decoder.position], to: &output)
            case .invalid(let invalid):
                appendHexEscape(invalid, to: &output)
            case nil:
                break
            }
            index = decoder.position
        }
    }

    /// For JSON and other Unicode consumers: invalid UTF-8 replaced by U+FFFD, everything else
    /// kept (the JSON writer escapes control characters).
    public var lossyString: String {
        String(decoding: bytes, as: UTF8.self)
    }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

private func appendHexEscape(_ byte: UInt8, to output: inout [UInt8]) {
    output.append(contentsOf: [
        0x5C, UInt8(ascii: "x"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)],
    ])
}

/// An ASCII byte that is not printed as itself: a backslash, a control character, DEL.
private func appendEscapedASCII(_ byte: UInt8, to output: inout [UInt8]) {
    switch byte {
    case 0x5C: output.append(contentsOf: [0x5C, 0x5C])
    case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
    case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
    case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
    case 0x1B: output.append(contentsOf: [0x5C, UInt8(ascii: "e")])
    default: appendHexEscape(byte, to: &output)
    }
}

/// A decoded non-ASCII scalar and the bytes that encoded it.
private func appendSafeScalar(_ scalar: Unicode.Scalar, bytes: ArraySlice<UInt8>, to output: inout [UInt8]) {
    switch scalar.value {
    // C1 controls (an 8-bit CSI is 0x9B), and the bidirectional overrides and isolates that
    // reorder what a terminal shows ("Trojan Source").
    case 0x80..<0xA0, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C:
        output.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".utf8)
    default:
        output.append(contentsOf: bytes)
    }
}

/// A UTF-8 decoder that reports each invalid byte instead of replacing it, so the terminal view
/// can show exactly which bytes were there.
struct UTF8Decoder {
    enum Piece {
        case scalar(Unicode.Scalar)
        case invalid(UInt8)
    }

    private let bytes: [UInt8]
    private var index: Int

    init(_ bytes: [UInt8], from start: Int = 0) {
        self.bytes = bytes
        self.index = start
    }

    /// Where the next piece starts.
    var position: Int { index }

    mutating func next() -> Piece? {
        guard index < bytes.count else { return nil }
        let lead = bytes[index]
        if lead < 0x80 {
            index += 1
            return .scalar(Unicode.Scalar(lead))
        }
        let length: Int
        let minimum: UInt32
        var value: UInt32
        switch lead {
        case 0xC2...0xDF: (length, minimum, value) = (2, 0x80, UInt32(lead & 0x1F))
        case 0xE0...0xEF: (length, minimum, value) = (3, 0x800, UInt32(lead & 0x0F))
        case 0xF0...0xF4: (length, minimum, value) = (4, 0x10000, UInt32(lead & 0x07))
        default:
            index += 1
            return .invalid(lead)
        }
        guard index + length <= bytes.count else {
            index += 1
            return .invalid(lead)
        }
        for offset in 1..<length {
            let continuation = bytes[index + offset]
            guard continuation & 0xC0 == 0x80 else {
                index += 1
                return .invalid(lead)
            }
            value = value << 6 | UInt32(continuation & 0x3F)
        }
        guard value >= minimum, let scalar = Unicode.Scalar(value) else {
            index += 1
            return .invalid(lead)
        }
        index += length
        return .scalar(scalar)
    }
}
