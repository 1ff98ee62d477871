import AiopsCore

/// A unit as `systemctl show -p … --timestamp=us+utc` prints it: "Key=Value" lines.
///
/// Minimal by design: the start-failure diagnosis reads only the properties it needs, and a
/// shared systemd reader may replace this type (its parsing is kept to this one file).
/// Values are bytes from systemd, which copies unit-file text verbatim: untrusted.
public struct UnitProperties: Sendable {
    /// Every value of each key, in order (ExecStartPre and friends repeat the key per command).
    public var values: [String: [UntrustedText]]

    public init(values: [String: [UntrustedText]]) {
        self.values = values
    }

    /// Parses the output of `systemctl show`. Lines without "=" are ignored.
    public static func parse(_ bytes: [UInt8]) -> UnitProperties {
        var values: [String: [UntrustedText]] = [:]
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            guard let equals = line.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let key = String(decoding: line[line.startIndex..<equals], as: UTF8.self)
            values[key, default: []].append(UntrustedText(line[(equals + 1)...]))
        }
        return UnitProperties(values: values)
    }

    /// `systemctl show` of several units: one block each, separated by an empty line.
    public static func parseMany(_ bytes: [UInt8]) -> [UnitProperties] {
        var blocks: [[UInt8]] = [[]]
        var previous: UInt8 = UInt8(ascii: "\n")
        for byte in bytes {
            if byte == UInt8(ascii: "\n") && previous == UInt8(ascii: "\n") {
                if !blocks[blocks.count - 1].isEmpty { blocks.append([]) }
            } else {
                blocks[blocks.count - 1].append(byte)
            }
            previous = byte
        }
        return blocks.filter { !$0.isEmpty }.map(parse)
    }

    /// The last value of `key` as text; nil when absent or empty.
    public func text(_ key: String) -> String? {
        guard let value = values[key]?.last, !value.isEmpty else { return nil }
        return value.lossyString
    }

    /// A space-separated list property (Requires=, After=, RuntimeDirectory=…).
    public func list(_ key: String) -> [String] {
        (values[key] ?? []).flatMap { $0.lossyString.split(separator: " ").map(String.init) }
    }

    public func integer(_ key: String) -> Int64? { text(key).flatMap { Int64($0) } }

    /// A timestamp printed with --timestamp=us+utc ("Wed 2026-11-25 05:57:34.694873 UTC"), as
    /// microseconds since the epoch; nil for "n/a", empty or unparsable.
    public func timestamp(_ key: String) -> Int64? {
        text(key).flatMap(SystemdTimestamp.parseMicroseconds)
    }

    /// The commands of an Exec*= property.
    public func commands(_ key: String) -> [ExecCommand] {
        (values[key] ?? []).compactMap { ExecCommand.parse($0.lossyString) }
    }

    public var id: String? { text("Id") }
    public var loadState: String? { text("LoadState") }
    public var activeState: String? { text("ActiveState") }
    public var subState: String? { text("SubState") }
    public var result: String? { text("Result") }
}

/// One command of ExecStart= and friends, from systemctl show's
/// "{ path=/usr/bin/python3 ; argv[]=/usr/bin/python3 -m http.server 8089 ; ignore_errors=no ; … }".
///
/// systemctl joins argv with spaces and quotes nothing, so an argument that contained a space
/// comes back split: the words are what the diagnosis looks through for ports and paths, never
/// something it executes.
public struct ExecCommand: Hashable, Sendable {
    public var path: String
    public var words: [String]
    /// "-" prefix: a failure of this command is ignored.
    public var ignoresErrors: Bool

    public init(path: String, words: [String], ignoresErrors: Bool = false) {
        self.path = path
        self.words = words
        self.ignoresErrors = ignoresErrors
    }

    /// The executable's file name: "nginx" for /usr/sbin/nginx.
    public var programName: String {
        String(path.split(separator: "/").last ?? Substring(path))
    }

    public static func parse(_ text: String) -> ExecCommand? {
        guard let pathStart = text.firstRange(of: "path=") else { return nil }
        let afterPath = text[pathStart.upperBound...]
        guard let pathEnd = afterPath.firstRange(of: " ; ") else { return nil }
        let path = String(afterPath[..<pathEnd.lowerBound])
        guard let argvStart = text.firstRange(of: " ; argv[]=") else {
            return ExecCommand(path: path, words: [path])
        }
        let afterArgv = text[argvStart.upperBound...]
        // argv itself may contain " ; ": it ends at the last field systemd appends after it.
        let end = afterArgv.lastRange(of: " ; ignore_errors=") ?? afterArgv.lastRange(of: " ; flags=")
        let argvText = end.map { afterArgv[..<$0.lowerBound] } ?? afterArgv
        let tail = end.map { afterArgv[$0.lowerBound...] } ?? ""
        let ignores = tail.hasPrefix(" ; ignore_errors=yes") || tail.hasPrefix(" ; flags=ignore-failure")
        return ExecCommand(
            path: path, words: argvText.split(separator: " ").map(String.init), ignoresErrors: ignores)
    }
}

extension Substring {
    /// The last occurrence of `needle`.
    func lastRange(of needle: String) -> Range<Index>? {
        var found: Range<Index>?
        var rest = self[...]
        while let range = rest.firstRange(of: needle) {
            found = range
            rest = rest[range.upperBound...]
        }
        return found
    }
}

/// systemd's "us+utc" timestamps.
public enum SystemdTimestamp {
    /// "Wed 2026-11-25 05:57:34.694873 UTC" (the weekday optional) → microseconds since the epoch.
    public static func parseMicroseconds(_ text: String) -> Int64? {
        var fields = text.split(separator: " ")
        if fields.count == 4 { fields.removeFirst() }
        guard fields.count == 3, fields[2] == "UTC" else { return nil }
        let date = fields[0].split(separator: "-").compactMap { Int64($0) }
        let timeParts = fields[1].split(separator: ".", maxSplits: 1)
        let clock = timeParts[0].split(separator: ":").compactMap { Int64($0) }
        guard date.count == 3, clock.count == 3 else { return nil }
        var micros: Int64 = 0
        if timeParts.count == 2 {
            let digits = String(timeParts[1].prefix(6))
            guard let value = Int64(digits) else { return nil }
            micros = value * Int64(pow10(6 - digits.count))
        }
        let days = daysFromCivil(year: date[0], month: date[1], day: date[2])
        let seconds = days * 86_400 + clock[0] * 3_600 + clock[1] * 60 + clock[2]
        return seconds * 1_000_000 + micros
    }

    private static func pow10(_ exponent: Int) -> Int {
        (0..<exponent).reduce(1) { result, _ in result * 10 }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
