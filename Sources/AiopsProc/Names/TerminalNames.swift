#if canImport(Glibc)
    import Glibc
#endif

/// The controlling terminal of a process (stat field 7, a device number) by name, the way ps
/// prints it: "pts/3", "tty1", "ttyS0", "console", or "?" for none. Device ranges come from
/// /proc/tty/drivers, so drivers this code does not know still get their kernel names.
public struct TerminalNames: Sendable {
    struct Driver: Sendable, Equatable {
        var devicePath: String  // "/dev/pts", "/dev/ttyS"
        var major: UInt32
        var minors: ClosedRange<UInt32>
        /// "system:…" drivers are single devices (/dev/console, /dev/tty): named, not numbered.
        var isSingleDevice: Bool
    }

    let drivers: [Driver]
    /// Whether a pseudo-terminal's device node is in this mount namespace's /dev/pts. A process
    /// in a container holds a terminal of the container's own devpts: the same major and a minor
    /// that names nothing here — or another terminal. ps prints "?" for it, and so do we.
    let pseudoTerminalIsHere: @Sendable (_ minor: UInt32, _ device: UInt64) -> Bool

    public init(procfs: ProcFS = ProcFS()) {
        self.drivers = procfs.read("tty/drivers").bytes.map(Self.parseDrivers) ?? []
        self.pseudoTerminalIsHere = Self.deviceNodeMatches
    }

    init(drivers: [Driver], pseudoTerminalIsHere: @escaping @Sendable (UInt32, UInt64) -> Bool) {
        self.drivers = drivers
        self.pseudoTerminalIsHere = pseudoTerminalIsHere
    }

    /// glibc's st_rdev encoding of (major, minor).
    static func deviceNumber(major: UInt32, minor: UInt32) -> UInt64 {
        let major = UInt64(major)
        let minor = UInt64(minor)
        return (major & 0xFFF) << 8 | (major & ~0xFFF) << 32 | (minor & 0xFF) | (minor & ~0xFF) << 12
    }

    private static func deviceNodeMatches(minor: UInt32, device: UInt64) -> Bool {
        var node = stat()
        return stat("/dev/pts/\(minor)", &node) == 0 && UInt64(node.st_rdev) == device
    }

    /// "name /dev/prefix major minor-range type" per line.
    static func parseDrivers(_ bytes: [UInt8]) -> [Driver] {
        bytes.split(separator: 10).compactMap { line in
            let fields = line.split(separator: 32)
            guard fields.count >= 5, let major = UInt32(ascii: fields[2]) else { return nil }
            let range = fields[3].split(separator: UInt8(ascii: "-"))
            guard let low = range.first.flatMap({ UInt32(ascii: $0) }) else { return nil }
            let high = range.count > 1 ? UInt32(ascii: range[1]) ?? low : low
            return Driver(
                devicePath: String(decoding: fields[1], as: UTF8.self), major: major,
                minors: low...max(low, high),
                isSingleDevice: fields[4].starts(with: Array("system".utf8)))
        }
    }

    public func name(ofDevice device: Int32) -> String {
        guard device != 0 else { return "?" }
        let value = UInt32(bitPattern: device)
        // Linux dev_t in stat: major in bits 8-19, minor in bits 0-7 and 20-31.
        let major = (value >> 8) & 0xFFF
        let minor = (value & 0xFF) | ((value >> 12) & 0xFFF00)
        // Most specific range first (e.g. /dev/ttyS 4:64-95 before /dev/tty 4:1-63 and /dev/vc/0 4:0).
        let matches = drivers.filter { $0.major == major && $0.minors.contains(minor) }
        guard let driver = matches.min(by: { $0.minors.count < $1.minors.count }) else {
            return "\(major),\(minor)"
        }
        let base =
            driver.devicePath.hasPrefix("/dev/") ? String(driver.devicePath.dropFirst(5)) : driver.devicePath
        if driver.isSingleDevice { return base }  // /dev/console, /dev/tty
        if base == "pts" {
            return pseudoTerminalIsHere(minor, Self.deviceNumber(major: major, minor: minor))
                ? "pts/\(minor)" : "?"
        }
        // Numbered from the range's start (ttyS0 is 4:64), except the virtual consoles (tty1 is 4:1).
        let number = base == "tty" ? minor : minor - driver.minors.lowerBound
        return "\(base)\(number)"
    }
}
