/// The "Name: value [kB]" line format shared by /proc/<pid>/status, smaps_rollup, /proc/<pid>/io
/// and /proc/meminfo. Parsed as bytes, line by line: a name or value that is not what the kernel
/// writes (a hostile comm in status's "Name:" line, a truncated read) drops that line only.
enum KeyValueLines {
    /// Calls `body` with each line's name and its whitespace-separated values. The name ends at
    /// the first ':'; status's "Name:" line (the comm, any bytes) is skipped by every caller
    /// because no caller asks for it. The kernel ends every line with a newline: text after the
    /// last newline is a cut read whose number may be a plausible wrong value ("12" of "1234"),
    /// so it is dropped.
    static func forEach(_ bytes: [UInt8], _ body: (ArraySlice<UInt8>, [ArraySlice<UInt8>]) -> Void) {
        let complete = bytes[..<((bytes.lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1)]
        for line in complete.split(separator: UInt8(ascii: "\n")) {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let values = line[(colon + 1)...].split(whereSeparator: { $0 == 32 || $0 == 9 })
            body(line[line.startIndex..<colon], values)
        }
    }

    /// A "N kB" value in bytes; nil unless the unit is exactly kB (the kernel's only unit in these
    /// files) and N fits after the multiplication.
    static func kilobytes(_ values: [ArraySlice<UInt8>]) -> UInt64? {
        guard values.count == 2, values[1].elementsEqual("kB".utf8), let kilobytes = UInt64(ascii: values[0])
        else { return nil }
        let (bytes, overflow) = kilobytes.multipliedReportingOverflow(by: 1024)
        return overflow ? nil : bytes
    }

    /// A single unsigned number.
    static func count(_ values: [ArraySlice<UInt8>]) -> UInt64? {
        guard values.count == 1 else { return nil }
        return UInt64(ascii: values[0])
    }
}

extension ArraySlice where Element == UInt8 {
    /// Whether these bytes spell `name` (ASCII), without building a String per line.
    func spells(_ name: StaticString) -> Bool {
        name.withUTF8Buffer { elementsEqual($0) }
    }
}
