import AiopsCore

/// A command line as one BLOB: a count, then each argument as a length and its bytes, all
/// lengths unsigned 32-bit little-endian.
///
/// Why not NUL-separated like /proc/<pid>/cmdline: that cannot tell `[]` from `[""]`, and an
/// argument holding a NUL (impossible from the kernel, possible from a bug or a crafted file)
/// would split in two. With lengths every byte string round-trips, and decoding a crafted BLOB
/// can only fail, never read out of bounds.
enum ArgvCoding {
    static func encode(_ argv: [UntrustedText]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(4 + argv.reduce(0) { $0 + 4 + $1.bytes.count })
        appendUInt32(UInt32(argv.count), to: &output)
        for argument in argv {
            appendUInt32(UInt32(argument.bytes.count), to: &output)
            output.append(contentsOf: argument.bytes)
        }
        return output
    }

    /// nil when the BLOB is not a well-formed encoding (lengths past the end, bytes left over).
    static func decode(_ blob: [UInt8]) -> [UntrustedText]? {
        var offset = 0
        guard let count = readUInt32(blob, at: &offset) else { return nil }
        // Each argument takes at least 4 bytes: a count larger than that is a lie, and would
        // otherwise reserve memory for it.
        guard Int(count) <= (blob.count - offset) / 4 else { return nil }
        var argv: [UntrustedText] = []
        argv.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let length = readUInt32(blob, at: &offset), Int(length) <= blob.count - offset else {
                return nil
            }
            argv.append(UntrustedText(bytes: Array(blob[offset..<offset + Int(length)])))
            offset += Int(length)
        }
        return offset == blob.count ? argv : nil
    }

    private static func appendUInt32(_ value: UInt32, to output: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { output.append(contentsOf: $0) }
    }

    private static func readUInt32(_ blob: [UInt8], at offset: inout Int) -> UInt32? {
        guard blob.count - offset >= 4 else { return nil }
        var value: UInt32 = 0
        for index in 0..<4 {
            value |= UInt32(blob[offset + index]) << (8 * index)
        }
        offset += 4
        return value
    }
}
