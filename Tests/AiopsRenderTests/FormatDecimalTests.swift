import Testing

@testable import AiopsRender

@Suite("formatDecimal")
struct FormatDecimalTests {
    @Test(
        "fixed-point text, rounded half away from zero, trailing zeros dropped",
        arguments: [
            (1.5, 6, "1.5"), (0.000123, 6, "0.000123"), (12, 6, "12"), (0, 6, "0"), (-0.0, 6, "0"),
            (0.1, 6, "0.1"), (1.25, 1, "1.3"), (-1.25, 1, "-1.3"), (0.125, 2, "0.13"),
            (123456.789, 3, "123456.789"),
            (1e-7, 6, "0"), (-1e-7, 6, "0"), (-0.5, 6, "-0.5"), (2.5, 0, "3"), (0.5, 0, "1"), (-0.4, 0, "0"),
            (42.75, 0, "43"), (1e-10, 25, "0.0000000001"), (3.0, -2, "3"),
        ] as [(Double, Int, String)])
    func format(value: Double, digits: Int, text: String) {
        #expect(formatDecimal(value, digits: digits) == text)
    }

    @Test("values beyond fixed-point range fall back to Swift's shortest form, still a JSON number")
    func huge() {
        #expect(formatDecimal(1e20, digits: 6) == "1e+20")
        #expect(formatDecimal(-1e20, digits: 6) == "-1e+20")
        #expect(Double(formatDecimal(123_456_789_012_345.6, digits: 6)) == 123_456_789_012_345.6)
    }

    @Test("random values: the text is within half a unit of the last digit")
    func randomValues() throws {
        var generator = SeededGenerator(seed: 0xdec_0001)
        for _ in 0..<5000 {
            let value = Double.random(in: -1e6...1e6, using: &generator)
            let digits = Int.random(in: 0...6, using: &generator)
            let text = formatDecimal(value, digits: digits)
            let parsed = try #require(Double(text), "\(text)")
            var unit = 1.0
            for _ in 0..<digits { unit /= 10 }
            #expect(abs(parsed - value) <= unit / 2 + abs(value) * 1e-15, "\(value) -> \(text)")
            let fractionDigits = text.split(separator: ".").dropFirst().first?.count ?? 0
            #expect(!text.contains("e") && fractionDigits <= digits, "\(value) -> \(text)")
        }
    }
}
