/// Terminal columns of text, for boxes whose right edge must line up: most scalars take one
/// column; East Asian wide characters and emoji take two; combining marks, joiners and
/// variation selectors take none. A simplified wcwidth: exact for what reports contain (ASCII,
/// box drawing, the section icons, escaped untrusted text) and close for the rest.
public enum DisplayWidth {
    public static func columns(_ text: String) -> Int {
        var total = 0
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            total += columns(scalar)
            // VS16 asks for emoji presentation ("⚠️" is U+26A0 U+FE0F): terminals that honour it
            // draw two columns where the bare symbol takes one (UTS #51); count what they draw.
            if scalar.value == 0xFE0F, let previous, columns(previous) == 1 { total += 1 }
            previous = scalar
        }
        return total
    }

    public static func columns(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        switch value {
        case 0x200B...0x200F, 0x2060...0x2064, 0xFE00...0xFE0F, 0xE0100...0xE01EF: return 0
        default: break
        }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if scalar.properties.isEmojiPresentation { return 2 }
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    /// The longest prefix of `text` that fits in `width` columns, with "…" when cut.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard columns(text) > width else { return text }
        var result = String.UnicodeScalarView()
        var used = 0
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            var next = columns(scalar)
            if scalar.value == 0xFE0F, let previous, columns(previous) == 1 { next = 1 }
            previous = scalar
            if used + next > width - 1 { break }
            result.append(scalar)
            used += next
        }
        return String(result) + "…"
    }
}
