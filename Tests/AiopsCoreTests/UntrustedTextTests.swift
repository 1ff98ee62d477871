import AiopsCore
import Testing

@Suite("UntrustedText")
struct UntrustedTextTests {
    /// Scalars a terminal acts on: C0, DEL, C1, and the bidi controls that reorder text.
    static func isDangerous(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
        default: return false
        }
    }

    @Test(
        "each C0 control and DEL is escaped",
        arguments: Array(UInt8(0)..<0x20) + [0x7F])
    func c0Escaped(byte: UInt8) {
        let text = UntrustedText(bytes: [UInt8(ascii: "a"), byte, UInt8(ascii: "b")]).terminalSafe
        #expect(!text.unicodeScalars.contains(where: Self.isDangerous))
        #expect(text.hasPrefix("a\\") && text.hasSuffix("b"))
    }

    @Test("common controls have short escapes, others \\xNN")
    func escapeSpellings() {
        #expect(UntrustedText(bytes: [0x0A]).terminalSafe == "\\n")
        #expect(UntrustedText(bytes: [0x09]).terminalSafe == "\\t")
        #expect(UntrustedText(bytes: [0x0D]).terminalSafe == "\\r")
        #expect(UntrustedText(bytes: [0x1B, 0x5B, 0x32, 0x4A]).terminalSafe == "\\e[2J")
        #expect(UntrustedText(bytes: [0x00]).terminalSafe == "\\x00")
        #expect(UntrustedText(bytes: [0x07]).terminalSafe == "\\x07")
        #expect(UntrustedText(bytes: [0x7F]).terminalSafe == "\\x7f")
    }

    @Test("C1 controls encoded as UTF-8 (an 8-bit CSI, NEL) are escaped as code points")
    func c1Escaped() {
        let csi = UntrustedText(bytes: [0xC2, 0x9B, 0x33, 0x31, 0x6D]).terminalSafe
        #expect(csi == "\\u{9b}31m")
        #expect(UntrustedText(bytes: [0xC2, 0x85]).terminalSafe == "\\u{85}")
        #expect(UntrustedText(bytes: [0xC2, 0x80]).terminalSafe == "\\u{80}")
        #expect(UntrustedText(bytes: [0xC2, 0x9F]).terminalSafe == "\\u{9f}")
        // U+00A0 is the first scalar after C1: printable, kept.
        #expect(UntrustedText(bytes: [0xC2, 0xA0]).terminalSafe == "\u{A0}")
    }

    @Test(
        "bidirectional overrides and isolates are escaped",
        arguments: [
            0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C,
        ]
    )
    func bidiEscaped(codePoint: UInt32) throws {
        let scalar = try #require(Unicode.Scalar(codePoint))
        let text = UntrustedText(bytes: Array("x\(scalar)y".utf8)).terminalSafe
        #expect(text == "x\\u{\(String(codePoint, radix: 16))}y")
    }

    @Test("invalid UTF-8 is shown byte by byte as \\xNN")
    func invalidBytes() {
        #expect(UntrustedText(bytes: [0xFF]).terminalSafe == "\\xff")
        #expect(UntrustedText(bytes: [0x61, 0xC3]).terminalSafe == "a\\xc3")  // truncated é
        #expect(UntrustedText(bytes: [0xC0, 0xAF]).terminalSafe == "\\xc0\\xaf")  // overlong "/"
        #expect(UntrustedText(bytes: [0xED, 0xA0, 0x80]).terminalSafe == "\\xed\\xa0\\x80")  // surrogate
        // Beyond U+10FFFF, and an overlong 3-byte form.
        #expect(UntrustedText(bytes: [0xF4, 0x90, 0x80, 0x80]).terminalSafe == "\\xf4\\x90\\x80\\x80")
        #expect(UntrustedText(bytes: [0xE0, 0x80, 0xAF]).terminalSafe == "\\xe0\\x80\\xaf")
    }

    @Test("a backslash is doubled, so \\x41 in the input cannot pass for an escape")
    func backslashDoubled() {
        #expect(UntrustedText(bytes: Array("a\\x41".utf8)).terminalSafe == "a\\\\x41")
        #expect(UntrustedText(bytes: Array("\\".utf8)).terminalSafe == "\\\\")
    }

    @Test("valid printable text, including non-ASCII, is unchanged")
    func printableKept() {
        for sample in ["nginx", "café", "✓ done", "日本語のプロセス", "🦀 crab", "a b(c)", "ZWJ 👩‍💻"] {
            #expect(UntrustedText(bytes: Array(sample.utf8)).terminalSafe == sample)
        }
    }

    @Test("random bytes never produce a control scalar, and escaping is injective on bytes")
    func randomBytesProperty() {
        var generator = SeededGenerator(seed: 0x5eed_0001)
        // Biased towards the interesting bytes: controls, backslash, UTF-8 lead and continuation bytes.
        let pool: [UInt8] =
            Array(0...0x20) + [0x5C, 0x7F, 0x41, 0xC2, 0xC3, 0xE2, 0x80, 0x9B, 0xAE, 0xED, 0xF0, 0xFF]
        var seen: [String: [UInt8]] = [:]
        for _ in 0..<3000 {
            let length = Int.random(in: 0...24, using: &generator)
            let bytes = (0..<length).map { _ in
                Bool.random(using: &generator)
                    ? pool.randomElement(using: &generator)! : UInt8.random(in: 0...255, using: &generator)
            }
            let text = UntrustedText(bytes: bytes).terminalSafe
            #expect(!text.unicodeScalars.contains(where: Self.isDangerous), "bytes \(bytes)")
            if let other = seen[text] { #expect(other == bytes, "two inputs escape to \(text)") }
            seen[text] = bytes
        }
    }

    @Test("lossyString keeps valid text and replaces invalid bytes with U+FFFD")
    func lossyString() {
        #expect(UntrustedText(bytes: Array("a\u{1B}b\n".utf8)).lossyString == "a\u{1B}b\n")
        #expect(UntrustedText(bytes: [0x61, 0xFF, 0x62]).lossyString == "a\u{FFFD}b")
        #expect(UntrustedText(bytes: [0xC0, 0xAF]).lossyString == "\u{FFFD}\u{FFFD}")
        #expect(UntrustedText(bytes: Array("é✓".utf8)).lossyString == "é✓")
    }

    @Test("init(cString:) stops at the first NUL, like the kernel's comm arrays")
    func cString() {
        let buffer: [UInt8] = [0x62, 0x61, 0x73, 0x68, 0, 0x78, 0]
        let text = buffer.withUnsafeBytes { UntrustedText(cString: $0) }
        #expect(text == "bash")
        let full: [UInt8] = Array("0123456789abcdef".utf8)
        #expect(full.withUnsafeBytes { UntrustedText(cString: $0) }.bytes == full)
    }

    @Test("equality and hashing are on bytes, not on a lossy decoding")
    func equalityOnBytes() {
        let a = UntrustedText(bytes: [0xFF])
        let b = UntrustedText(bytes: [0xFE])
        #expect(a.lossyString == b.lossyString)
        #expect(a != b)
        #expect(Set([a, b]).count == 2)
        #expect(UntrustedText("").isEmpty)
        #expect(!a.isEmpty)
    }
}
