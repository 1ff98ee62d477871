import AiopsCore
import AiopsRender
import Foundation
import Testing

@Suite("JSONWriter")
struct JSONWriterTests {
    static func encoded(_ text: UntrustedText) -> [UInt8] {
        var writer = JSONWriter()
        writer.string(text)
        return writer.bytes
    }

    @Test("nested objects and arrays get exactly the right commas, keys in the order written")
    func structure() throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("a")
        writer.integer(1)
        writer.key("b")
        writer.beginArray()
        writer.bool(true)
        writer.null()
        writer.string("x")
        writer.beginObject()
        writer.endObject()
        writer.beginArray()
        writer.endArray()
        writer.endArray()
        writer.key("c")
        writer.beginObject()
        writer.key("d")
        writer.integer(Int64.min)
        writer.key("e")
        writer.integer(UInt64.max)
        writer.endObject()
        writer.key("f")
        writer.optional(Int?.none) { $0.integer($1) }
        writer.key("g")
        writer.optional(Int?.some(7)) { $0.integer($1) }
        writer.endObject()
        #expect(
            String(decoding: writer.bytes, as: UTF8.self)
                == #"{"a":1,"b":[true,null,"x",{},[]],"c":{"d":-9223372036854775808,"e":18446744073709551615},"f":null,"g":7}"#
        )
        _ = try JSONValue.parse(writer.bytes)
    }

    @Test("Swift strings: quotes, backslashes and every control character are escaped")
    func stringEscapes() throws {
        var writer = JSONWriter()
        writer.string("q\"b\\n\nr\rt\t\u{0}\u{1B}\u{7F}é")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #""q\"b\\n\nr\rt\t\u0000\u001b\u007fé""#)
        for scalar in (0..<0x20).compactMap(Unicode.Scalar.init) {
            var one = JSONWriter()
            one.string(String(scalar))
            #expect(!one.bytes.contains { $0 < 0x20 })
            #expect(try JSONValue.parse(one.bytes) == .string(String(scalar)))
        }
    }

    @Test(
        "hostile bytes give valid JSON equal to lossyString, on one line",
        arguments: [
            [0x00], [0x1B, 0x5B, 0x33, 0x31, 0x6D], [0x0A], [0x22], [0x5C], [0xFF], [0xED, 0xA0, 0x80],
            [0xC0, 0xAF],
            [0xF0, 0x9F, 0xA6, 0x80], [0xE2, 0x82], [0xE2, 0x82, 0x41], [0xF0, 0x9F, 0xA6],
            [0xF4, 0x90, 0x80, 0x80],
            [0xE0, 0x80, 0xAF], [0x80, 0xBF], [0xC2, 0x9B], [0xEF, 0xBF, 0xBD], EventFixtures.hostile,
            [0xC2, 0x9D], [0xE2, 0x80, 0xAE], [0xE2, 0x81, 0xA6], [0xD8, 0x9C], [0xE2, 0x80, 0x8F],
            [0xE2, 0x80, 0xA8], [0x61, 0xC2, 0x9B, 0x32, 0x4A, 0xE2, 0x80, 0xAE, 0x62],
        ] as [[UInt8]])
    func hostileBytes(bytes: [UInt8]) throws {
        let text = UntrustedText(bytes: bytes)
        let json = Self.encoded(text)
        #expect(!json.contains { $0 < 0x20 })
        #expect(Self.terminalActors(in: json).isEmpty, "raw \(Self.terminalActors(in: json)) in \(json)")
        #expect(String(validating: json, as: UTF8.self) != nil)
        #expect(try JSONValue.parse(json) == .string(text.lossyString))
    }

    /// Scalars that act on a terminal showing the JSON as it is: C0 and C1 controls, bidi
    /// marks, overrides and isolates, line and paragraph separators.
    static func terminalActors(in json: [UInt8]) -> [UInt32] {
        String(decoding: json, as: UTF8.self).unicodeScalars.map(\.value).filter {
            switch $0 {
            case 0..<0x20, 0x7F..<0xA0, 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: return true
            default: return false
            }
        }
    }

    @Test("C1 controls, bidi overrides and isolates are written as \\u escapes, the string unchanged")
    func terminalActorsEscaped() throws {
        let text = "a\u{9B}2J\u{9D}0;x\u{7}\u{202E}gpj.exe\u{2066}b\u{200F}\u{61C}\u{2028}"
        var writer = JSONWriter()
        writer.string(text)
        #expect(
            String(decoding: writer.bytes, as: UTF8.self)
                == #""a\u009b2J\u009d0;x\u0007\u202egpj.exe\u2066b\u200f\u061c\u2028""#)
        #expect(try JSONValue.parse(writer.bytes) == .string(text))
        #expect(
            String(decoding: Self.encoded(UntrustedText(text.utf8)), as: UTF8.self)
                == String(decoding: writer.bytes, as: UTF8.self))
    }

    @Test("valid text passes through byte for byte")
    func validTextUnchanged() {
        let sample = "nginx: worker ✓ 日本 🦀 é"
        #expect(Self.encoded(UntrustedText(sample.utf8)) == Array("\"\(sample)\"".utf8))
    }

    @Test("random bytes always round-trip to lossyString")
    func randomRoundTrip() throws {
        var generator = SeededGenerator(seed: 0x150_0001)
        let fragments: [[UInt8]] = [
            [0xC3, 0xA9], [0xE2, 0x9C, 0x93], [0xF0, 0x9F, 0xA6, 0x80], [0xED, 0xA0, 0x80], [0xC0], [0xAF],
            [0x80],
            [0xE2], [0xF0, 0x9F], [0x22], [0x5C], [0x00], [0x1B], [0x0A], [0x7F], [0xF8],
            [0xF4, 0x8F, 0xBF, 0xBF], [0xC2, 0x9B], [0xE2, 0x80, 0xAE], [0xE2, 0x81, 0xA9],
        ]
        for _ in 0..<2000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...16, using: &generator) {
                if Bool.random(using: &generator) {
                    bytes += fragments.randomElement(using: &generator)!
                } else {
                    bytes.append(UInt8.random(in: 0...255, using: &generator))
                }
            }
            let text = UntrustedText(bytes: bytes)
            let json = Self.encoded(text)
            #expect(!json.contains { $0 < 0x20 }, "raw control byte for \(bytes)")
            #expect(Self.terminalActors(in: json).isEmpty, "raw terminal control for \(bytes)")
            #expect(try JSONValue.parse(json) == .string(text.lossyString), "bytes \(bytes)")
        }
    }

    @Test("non-finite numbers are null, finite ones are plain decimals")
    func numbers() throws {
        var writer = JSONWriter()
        writer.beginArray()
        for value in [Double.nan, .infinity, -.infinity, 1.5, -0.25, 1e-9, 12, 1e300] { writer.number(value) }
        writer.number(2.0 / 3.0, digits: 3)
        writer.endArray()
        #expect(
            String(decoding: writer.bytes, as: UTF8.self) == "[null,null,null,1.5,-0.25,0,12,1e+300,0.667]")
        _ = try JSONValue.parse(writer.bytes)
    }
}
