import Testing

@testable import AiopsRender

@Suite("UTF8Decoding")
struct UTF8DecodingTests {
    /// The pieces as (valid text) or nil (one invalid span), for readable expectations.
    static func pieces(_ bytes: [UInt8]) -> [String?] {
        var decoding = UTF8Decoding(bytes)
        var result: [String?] = []
        while let piece = decoding.next() {
            switch piece {
            case .valid(let range): result.append(String(decoding: bytes[range], as: UTF8.self))
            case .invalid: result.append(nil)
            }
        }
        return result
    }

    @Test("valid runs are one piece, however long")
    func validRun() {
        #expect(Self.pieces(Array("abc é ✓ 🦀".utf8)) == ["abc é ✓ 🦀"])
        #expect(Self.pieces([]).isEmpty)
    }

    @Test("boundaries of each length are valid: U+0080, U+07FF, U+0800, U+FFFF, U+10000, U+10FFFF")
    func boundaries() {
        for bytes: [UInt8] in [
            [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xEF, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80],
            [0xF4, 0x8F, 0xBF, 0xBF], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80],
        ] {
            #expect(Self.pieces(bytes).count == 1 && Self.pieces(bytes)[0] != nil, "\(bytes)")
        }
    }

    @Test("surrogates, overlongs, out-of-range and stray bytes are invalid")
    func invalidForms() {
        #expect(Self.pieces([0xED, 0xA0, 0x80]) == [nil, nil, nil])  // U+D800
        #expect(Self.pieces([0xC0, 0xAF]) == [nil, nil])
        #expect(Self.pieces([0xE0, 0x80, 0xAF]) == [nil, nil, nil])
        #expect(Self.pieces([0xF4, 0x90, 0x80, 0x80]) == [nil, nil, nil, nil])  // > U+10FFFF
        #expect(Self.pieces([0xF5, 0x80]) == [nil, nil])
        #expect(Self.pieces([0x61, 0xFF, 0x62]) == ["a", nil, "b"])
    }

    @Test("a truncated sequence is one invalid piece (its maximal subpart), as String(decoding:) counts it")
    func truncatedSequence() {
        #expect(Self.pieces([0xE2, 0x82, 0x41]) == [nil, "A"])
        #expect(Self.pieces([0xF0, 0x9F, 0xA6]) == [nil])
        #expect(Self.pieces([0x61, 0xE2]) == ["a", nil])
        #expect(Self.pieces([0xF0, 0x9F, 0x61, 0x80]) == [nil, "a", nil])
    }
}
