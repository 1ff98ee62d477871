/// Appending text to byte buffers without building intermediate Strings: the output paths run
/// for every event of a storm, where String concatenation was most of aiops's CPU per event.
extension Array where Element == UInt8 {
    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    mutating func append(_ text: String) {
        append(contentsOf: text.utf8)
    }

    /// Decimal digits of `value`.
    mutating func appendDecimal<T: BinaryInteger>(_ value: T) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            appendDigits(UInt64(truncatingIfNeeded: 0 &- Int64(value)))
        } else {
            appendDigits(UInt64(value))
        }
    }

    /// Decimal digits of `value`, right-aligned in `width` columns with spaces.
    mutating func appendDecimal<T: BinaryInteger>(_ value: T, padLeftTo width: Int) {
        let digits =
            value < 0
            ? decimalWidth(UInt64(truncatingIfNeeded: 0 &- Int64(value))) + 1 : decimalWidth(UInt64(value))
        if digits < width { append(contentsOf: repeatElement(UInt8(ascii: " "), count: width - digits)) }
        appendDecimal(value)
    }

    /// Exactly `width` digits of `value`, zero-padded (value must fit).
    mutating func appendZeroPadded(_ value: Int, width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        for _ in 0..<width {
            append(UInt8(48 + rest / divisor % 10))
            rest %= divisor
            divisor = Swift.max(divisor / 10, 1)
        }
    }

    private mutating func appendDigits(_ value: UInt64) {
        if value < 10 {
            append(UInt8(48 + value))
            return
        }
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        var count = 0
        var rest = value
        Swift.withUnsafeMutableBytes(of: &scratch) { buffer in
            while rest > 0 {
                buffer[23 - count] = UInt8(48 + rest % 10)
                rest /= 10
                count += 1
            }
            append(contentsOf: buffer[(24 - count)...])
        }
    }
}

func decimalWidth(_ value: UInt64) -> Int {
    var width = 1
    var rest = value
    while rest >= 10 {
        rest /= 10
        width += 1
    }
    return width
}

/// Terminal columns taken by UTF-8 text: one per scalar (continuation bytes do not count).
func displayColumns(_ bytes: ArraySlice<UInt8>) -> Int {
    var columns = 0
    for byte in bytes where byte & 0xC0 != 0x80 { columns += 1 }
    return columns
}
