/// Numbers for reports, without Foundation: sizes in binary units (what the kernel counts in:
/// KiB pages, so "4.0 GiB" is exactly a 4G limit), fixed decimals, percentages.
public enum QuantityText {
    /// "512 B", "1.5 KiB", "12.3 MiB", "3.8 GiB".
    public static func bytes(_ value: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var scaled = value
        var unit = 0
        while abs(scaled) >= 1024 && unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        // Rounding up to 1024.0 of a unit reads better as 1.0 of the next.
        if unit > 0, abs(scaled) >= 1023.95, unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        return unit == 0 ? "\(Int(value.rounded())) B" : "\(decimal(scaled, digits: 1)) \(units[unit])"
    }

    public static func bytes<T: BinaryInteger>(_ value: T) -> String { bytes(Double(value)) }

    /// `value` with exactly `digits` decimals: "12.30", "-0.5", "3".
    public static func decimal(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        let digits = min(max(digits, 0), 9)
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return String(value) }
        let units = UInt64(scaled)
        let negative = value < 0 && units != 0
        let whole = units / UInt64(scale)
        var text = (negative ? "-" : "") + String(whole)
        if digits > 0 {
            let fraction = String(units % UInt64(scale))
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return text
    }

    /// "95%", "0.4%", "<0.1%": whole percents from 10 up, one decimal below.
    public static func percent(_ fraction: Double) -> String {
        let percent = fraction * 100
        if percent > 0 && percent < 0.05 { return "<0.1%" }
        return (percent >= 10 ? decimal(percent, digits: 0) : decimal(percent, digits: 1)) + "%"
    }

    /// "1.2 MiB/s".
    public static func byteRate(_ perSecond: Double) -> String { bytes(perSecond) + "/s" }

    /// A count with its noun: "1 thread", "3 threads".
    public static func count(_ value: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(value) \(value == 1 ? singular : plural ?? singular + "s")"
    }
}
