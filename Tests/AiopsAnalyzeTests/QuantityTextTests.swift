import AiopsAnalyze
import Testing

@Suite("QuantityText")
struct QuantityTextTests {
    static let sizes: [(Double, String)] = [
        (0, "0 B"), (512, "512 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (1536, "1.5 KiB"),
        (12.3 * 1_048_576, "12.3 MiB"), (4 * 1_073_741_824, "4.0 GiB"), (3.8 * 1_073_741_824, "3.8 GiB"),
        (1_048_575, "1.0 MiB"), (-2_097_152, "-2.0 MiB"), (9.0e18, "7.8 EiB"),
    ]

    @Test("sizes in binary units, one decimal")
    func bytes() {
        for (value, text) in Self.sizes {
            #expect(QuantityText.bytes(value) == text, "\(value)")
        }
    }

    @Test("decimals are fixed, rounded, and never print -0")
    func decimals() {
        #expect(QuantityText.decimal(12.345, digits: 2) == "12.35")
        #expect(QuantityText.decimal(0.5, digits: 3) == "0.500")
        #expect(QuantityText.decimal(-0.04, digits: 1) == "0.0")
        #expect(QuantityText.decimal(-1.25, digits: 1) == "-1.3")
        #expect(QuantityText.decimal(7, digits: 0) == "7")
        #expect(QuantityText.decimal(.nan, digits: 1) == "nan")
        #expect(QuantityText.decimal(.infinity, digits: 1) == "inf")
    }

    @Test("percentages: whole from 10%, one decimal below, <0.1% for tiny non-zero shares")
    func percentages() {
        #expect(QuantityText.percent(0.95) == "95%")
        #expect(QuantityText.percent(0.0412) == "4.1%")
        #expect(QuantityText.percent(0) == "0.0%")
        #expect(QuantityText.percent(0.0001) == "<0.1%")
        #expect(QuantityText.percent(1.5) == "150%")
    }

    @Test("counts carry their noun")
    func counts() {
        #expect(QuantityText.count(1, "thread") == "1 thread")
        #expect(QuantityText.count(3, "thread") == "3 threads")
        #expect(QuantityText.count(2, "process", "processes") == "2 processes")
    }
}
