import AiopsAnalyze
import Testing

@Suite("LinearFit")
struct LinearFitTests {
    @Test("an exact line: its slope and intercept, R² 1, no slope error")
    func exactLine() throws {
        let x: [Double] = [0, 1, 2, 3, 4]
        let fit = try #require(LinearFit.fit(x: x, y: x.map { 3 * $0 + 7 }))
        #expect(abs(fit.slope - 3) < 1e-12)
        #expect(abs(fit.intercept - 7) < 1e-12)
        #expect(fit.rSquared == 1)
        #expect(fit.slopeStandardError == 0)
        #expect(fit.count == 5)
    }

    @Test("large offsets (boot-clock seconds, GiB values) keep their precision")
    func largeOffsets() throws {
        let x = (0..<20).map { 123_456.0 + Double($0) * 0.5 }
        let y = x.map { 4e9 + ($0 - 123_456) * 1_048_576 }
        let fit = try #require(LinearFit.fit(x: x, y: y))
        #expect(abs(fit.slope - 1_048_576) < 1e-3)
        #expect(try #require(fit.rSquared) > 0.999_999)
    }

    @Test("a known noisy series: R² and the slope's standard error as computed by hand")
    func noisySeries() throws {
        // y = 2x plus an alternating ±1.
        let x: [Double] = [0, 1, 2, 3, 4, 5]
        let noise: [Double] = [1, -1, 1, -1, 1, -1]
        let y = zip(x, noise).map { 2 * $0 + $1 }
        let fit = try #require(LinearFit.fit(x: x, y: y))
        // Reference values from the textbook formulas.
        let meanX = 2.5
        let meanY = y.reduce(0, +) / 6
        let sxx = x.map { ($0 - meanX) * ($0 - meanX) }.reduce(0, +)
        let sxy = zip(x, y).map { ($0 - meanX) * ($1 - meanY) }.reduce(0, +)
        let syy = y.map { ($0 - meanY) * ($0 - meanY) }.reduce(0, +)
        let slope = sxy / sxx
        #expect(abs(fit.slope - slope) < 1e-12)
        let residual = syy - slope * sxy
        #expect(abs(try #require(fit.rSquared) - (1 - residual / syy)) < 1e-12)
        #expect(abs(try #require(fit.slopeStandardError) - (residual / 4 / sxx).squareRoot()) < 1e-12)
    }

    @Test("a flat series has slope 0 and no R² (not a confident 1)")
    func flat() throws {
        let fit = try #require(LinearFit.fit(x: [0, 1, 2, 3], y: [5, 5, 5, 5]))
        #expect(fit.slope == 0)
        #expect(fit.rSquared == nil)
    }

    @Test("degenerate input gives no fit rather than a NaN")
    func degenerate() {
        #expect(LinearFit.fit(x: [1], y: [1]) == nil)
        #expect(LinearFit.fit(x: [], y: []) == nil)
        #expect(LinearFit.fit(x: [2, 2, 2], y: [1, 2, 3]) == nil)
        #expect(LinearFit.fit(x: [0, 1], y: [1]) == nil)
        #expect(LinearFit.fit(x: [0, 1, 2], y: [1, .nan, 3]) == nil)
        #expect(LinearFit.fit(x: [0, .infinity, 2], y: [1, 2, 3]) == nil)
        // Two points: a line, but no residual spread to estimate an error from.
        #expect(LinearFit.fit(x: [0, 1], y: [0, 1])?.slopeStandardError == nil)
    }
}
