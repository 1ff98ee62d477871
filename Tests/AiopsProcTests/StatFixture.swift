/// A /proc/<pid>/stat line in the kernel's exact format, modelled on a real `/proc/self/stat` of
/// Linux 6.x (52 fields), with distinct values so a field read from the wrong position shows.
enum StatFixture {
    /// Fields 3...52 (proc(5) numbering), space separated after "<pid> (<comm>) ".
    static let fields: [String] =
        ("S 4100 4200 4300 34817 4200 4194560 1011 0 2 0 7 3 0 0 15 -5 4 0 144522 3133440 380 "
        + "18446744073709551615 94904477532160 94904477552041 140723172189600 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 "
        + "0 94904477568048 94904477569664 94904847056896 140723172195012 140723172195032 140723172195032 "
        + "140723172196331 0").split(separator: " ").map(String.init)

    /// The line's bytes; `replacing` maps a field number (4 = ppid, 52 = exit_code) to its text;
    /// `fieldCount` cuts the line after that field, as older kernels or a truncated read would.
    static func line(
        pid: String = "4242", comm: [UInt8] = Array("nginx".utf8), replacing: [Int: String] = [:],
        fieldCount: Int = 52, newline: Bool = true
    ) -> [UInt8] {
        var values = fields
        for (number, text) in replacing { values[number - 3] = text }
        let kept = values.prefix(max(0, fieldCount - 2))
        var bytes = Array(pid.utf8) + Array(" (".utf8) + comm + Array(") ".utf8)
        bytes += Array(kept.joined(separator: " ").utf8)
        if newline { bytes.append(10) }
        return bytes
    }
}
