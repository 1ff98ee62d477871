import AiopsCore
import Testing

@Suite("DurationText")
struct DurationTextTests {
    @Test(
        "durations operators type",
        arguments: [
            ("30s", 30_000_000_000), ("5m", 300_000_000_000), ("1h", 3_600_000_000_000),
            ("2d", 172_800_000_000_000), ("500ms", 500_000_000), ("1.5s", 1_500_000_000),
            ("10", 10_000_000_000),
            ("250us", 250_000), ("2min", 120_000_000_000), ("3sec", 3_000_000_000), (" 7s ", 7_000_000_000),
            ("1H", 3_600_000_000_000), ("0.5", 500_000_000),
        ] as [(String, UInt64)])
    func accepted(text: String, nanoseconds: UInt64) throws {
        #expect(try DurationText.parseNanoseconds(text) == nanoseconds)
    }

    @Test(
        "zero and negatives are 'not positive'", arguments: ["0", "-1", "0s", "0.0", "-5m", "0.0000000001s"])
    func notPositive(text: String) {
        #expect(throws: DurationText.ParseError.notPositive(text)) { try DurationText.parseNanoseconds(text) }
    }

    @Test(
        "malformed text", arguments: ["abc", "10x", "1..5s", "1e400", "5.", "s", "1 s", "1.5.2s", "∞", "١٠s"])
    func malformed(text: String) {
        #expect(throws: DurationText.ParseError.malformed(text)) { try DurationText.parseNanoseconds(text) }
    }

    @Test("empty and blank text", arguments: ["", "   ", "\t\n"])
    func empty(text: String) {
        #expect(throws: DurationText.ParseError.empty) { try DurationText.parseNanoseconds(text) }
    }

    @Test(
        "beyond 10 years is too large, never an overflow",
        arguments: [
            "9223372036854775807s", "18446744073709551616", "3651d", "99999999999999999999999999h",
        ])
    func tooLarge(text: String) {
        #expect(throws: DurationText.ParseError.tooLarge(text)) { try DurationText.parseNanoseconds(text) }
    }

    @Test("exactly 10 years is accepted")
    func tenYears() throws {
        #expect(try DurationText.parseNanoseconds("3650d") == 3650 * 86_400 * 1_000_000_000)
    }

    @Test("errors explain themselves")
    func errorText() {
        #expect(DurationText.ParseError.malformed("10x").description.contains("'10x' is not a duration"))
        #expect(DurationText.ParseError.notPositive("0").description.contains("greater than zero"))
        #expect(DurationText.ParseError.tooLarge("99y").description.contains("10 years"))
    }

    @Test(
        "format(seconds:) for reports",
        arguments: [
            (0.25, "250ms"), (0.0004, "0ms"), (1, "1s"), (1.5, "1.5s"), (59.4, "59.4s"), (60, "1m"),
            (90, "1m30s"),
            (3600, "1h0m"), (3900, "1h5m"), (86_400, "1d0h"), (90_000, "1d1h"),
            (7 * 86_400 + 3 * 3600, "7d3h"),
        ] as [(Double, String)])
    func format(seconds: Double, text: String) {
        #expect(DurationText.format(seconds: seconds) == text)
    }
}
