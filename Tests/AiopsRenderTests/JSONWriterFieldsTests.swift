import AiopsCore
import AiopsRender
import Testing

@Suite("JSONWriter keyed fields")
struct JSONWriterFieldsTests {
    static func text(_ writer: JSONWriter) -> String {
        String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test("each field writes its key and value, with the commas of an object")
    func values() throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("s", "a\"b\n")
        writer.field("u", UntrustedText(bytes: [0x78, 0xFF, 0x0A]))
        writer.field("i", 42)
        writer.field("neg", Int32(-7))
        writer.field("big", UInt64.max)
        writer.field("t", true)
        writer.field("f", false)
        writer.field("d", 2.0 / 3.0, digits: 3)
        writer.field("whole", 5, digits: 2)
        writer.field("nan", Double.nan, digits: 2)
        writer.field("list", strings: ["x", "y,z"])
        writer.field("raw", strings: [UntrustedText(bytes: [0x61]), UntrustedText(bytes: [0xC0])])
        writer.field("empty", strings: [String]())
        writer.endObject()
        #expect(
            Self.text(writer)
                == #"{"s":"a\"b\n","u":"x\#u{FFFD}\n","i":42,"neg":-7,"big":18446744073709551615,"t":true,"#
                + #""f":false,"d":0.667,"whole":5,"nan":null,"list":["x","y,z"],"raw":["a","\#u{FFFD}"],"#
                + #""empty":[]}"#)
        _ = try JSONValue.parse(writer.bytes)
    }

    @Test("a nil value of every kind writes null, as optional does")
    func nils() {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("s", String?.none)
        writer.field("u", UntrustedText?.none)
        writer.field("i", UInt64?.none)
        writer.field("b", Bool?.none)
        writer.field("d", Double?.none, digits: 3)
        writer.field("l", strings: [String]?.none)
        writer.field("r", strings: [UntrustedText]?.none)
        writer.endObject()
        #expect(Self.text(writer) == #"{"s":null,"u":null,"i":null,"b":null,"d":null,"l":null,"r":null}"#)
    }

    @Test("a present Optional writes its value")
    func presentOptionals() {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("s", String?.some("v"))
        writer.field("i", Int32?.some(3))
        writer.field("b", Bool?.some(true))
        writer.field("d", Double?.some(1.5), digits: 1)
        writer.field("l", strings: [String]?.some(["a"]))
        writer.endObject()
        #expect(Self.text(writer) == #"{"s":"v","i":3,"b":true,"d":1.5,"l":["a"]}"#)
    }

    @Test("fields inside objects inside arrays: commas between elements and between fields")
    func nesting() throws {
        var writer = JSONWriter()
        writer.beginArray()
        for index in 0..<3 {
            writer.beginObject()
            writer.field("n", index)
            writer.field("tags", strings: index == 1 ? [] : ["t\(index)"])
            writer.key("inner")
            writer.beginObject()
            writer.field("x", index == 2 ? nil : "y")
            writer.endObject()
            writer.endObject()
        }
        writer.endArray()
        #expect(
            Self.text(writer)
                == #"[{"n":0,"tags":["t0"],"inner":{"x":"y"}},{"n":1,"tags":[],"inner":{"x":"y"}},"#
                + #"{"n":2,"tags":["t2"],"inner":{"x":null}}]"#)
        _ = try JSONValue.parse(writer.bytes)
    }

    @Test("a field is byte for byte the key call followed by the value call")
    func sameAsKeyThenValue() {
        var generator = SeededGenerator(seed: 0xF1E1D)
        for _ in 0..<500 {
            var fields = JSONWriter()
            var calls = JSONWriter()
            fields.beginObject()
            calls.beginObject()
            for _ in 0..<Int.random(in: 0...6, using: &generator) {
                let present = Bool.random(using: &generator)
                switch Int.random(in: 0..<5, using: &generator) {
                case 0:
                    let value = present ? String(Int.random(in: -99...99, using: &generator)) : nil
                    fields.field("s", value)
                    calls.key("s")
                    calls.optional(value) { $0.string($1) }
                case 1:
                    let value = present ? Int64.random(in: .min ... .max, using: &generator) : nil
                    fields.field("i", value)
                    calls.key("i")
                    calls.optional(value) { $0.integer($1) }
                case 2:
                    let value = present ? Bool.random(using: &generator) : nil
                    fields.field("b", value)
                    calls.key("b")
                    calls.optional(value) { $0.bool($1) }
                case 3:
                    let value = present ? Double.random(in: -1e6...1e6, using: &generator) : nil
                    let digits = Int.random(in: 0...6, using: &generator)
                    fields.field("d", value, digits: digits)
                    calls.key("d")
                    calls.optional(value) { $0.number($1, digits: digits) }
                default:
                    let value = (0..<Int.random(in: 0...3, using: &generator)).map {
                        UntrustedText(bytes: [UInt8(truncatingIfNeeded: $0 &* 97), 0x80])
                    }
                    fields.field("a", strings: value)
                    calls.key("a")
                    calls.beginArray()
                    for item in value { calls.string(item) }
                    calls.endArray()
                }
            }
            fields.endObject()
            calls.endObject()
            #expect(fields.bytes == calls.bytes)
        }
    }
}
