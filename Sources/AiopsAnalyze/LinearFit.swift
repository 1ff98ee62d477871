/// Ordinary least squares of y on x: the straight line that best explains a series, with how
/// well it explains it.
public struct LinearFit: Hashable, Sendable {
    public var count: Int
    /// Units of y per unit of x.
    public var slope: Double
    /// y at x = 0.
    public var intercept: Double
    /// Share of the variance of y the line explains, 0…1. nil when y does not vary at all (a
    /// flat series: a line explains it perfectly with slope 0, and "R² 1" would read as a
    /// confident trend).
    public var rSquared: Double?
    /// Standard error of the slope (the residuals' spread ÷ the spread of x); nil below three
    /// points, where no residual spread can be estimated.
    public var slopeStandardError: Double?

    /// nil for fewer than two points, different lengths, x all equal, or non-finite input.
    public static func fit(x: [Double], y: [Double]) -> LinearFit? {
        let count = x.count
        guard count >= 2, y.count == count, x.allSatisfy(\.isFinite), y.allSatisfy(\.isFinite) else {
            return nil
        }
        // Centred sums: boot-clock seconds (~1e5) and byte counts (~1e9) would lose most of a
        // double's precision in the textbook Σxy − n·x̄·ȳ form.
        let meanX = x.reduce(0, +) / Double(count)
        let meanY = y.reduce(0, +) / Double(count)
        var sxx = 0.0
        var sxy = 0.0
        var syy = 0.0
        for index in 0..<count {
            let dx = x[index] - meanX
            let dy = y[index] - meanY
            sxx += dx * dx
            sxy += dx * dy
            syy += dy * dy
        }
        guard sxx > 0 else { return nil }
        let slope = sxy / sxx
        let intercept = meanY - slope * meanX
        let residual = max(syy - slope * sxy, 0)
        let rSquared = syy > 0 ? min(max(1 - residual / syy, 0), 1) : nil
        let standardError = count > 2 ? (residual / Double(count - 2) / sxx).squareRoot() : nil
        return LinearFit(
            count: count, slope: slope, intercept: intercept, rSquared: rSquared,
            slopeStandardError: standardError)
    }
}
