import AiopsAlert
import AiopsCore
import AiopsMonitor
import AiopsProc

/// The monitor's config file: `key = value` lines, `#` starts a comment, blank lines ignored.
/// Every key is documented in the README ("Monitoring daemon: config file"). An unknown key or
/// a bad value is an error naming the line: at start the daemon refuses to run (exit 2), on a
/// reload it keeps the settings it has.
enum MonitorConfigFile {
    struct Problem: Error, CustomStringConvertible {
        var path: String
        var line: Int?
        var message: String
        var description: String { line.map { "\(path):\($0): \(message)" } ?? "\(path): \(message)" }
    }

    static func load(_ path: String, into settings: inout MonitorSettings) throws(Problem) {
        let result = ProcFS(root: "/").read(String(path.drop { $0 == "/" }), limit: 1 << 20)
        guard case .bytes(let bytes, let truncated) = result else {
            throw Problem(path: path, line: nil, message: "cannot be read (\(result))")
        }
        guard !truncated else { throw Problem(path: path, line: nil, message: "is larger than 1 MiB") }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw Problem(path: path, line: nil, message: "is not UTF-8 text")
        }
        try apply(text, path: path, to: &settings)
    }

    static func apply(_ text: String, path: String, to settings: inout MonitorSettings) throws(Problem) {
        var critical: [CriticalTarget] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line =
                rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let trimmed = blanksTrimmed(line)
            guard !trimmed.isEmpty else { continue }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw Problem(path: path, line: index + 1, message: "expected 'key = value'")
            }
            let key = blanksTrimmed(trimmed[..<equals])
            let value = blanksTrimmed(trimmed[trimmed.index(after: equals)...])
            do throws(Problem) {
                try set(key, value, critical: &critical, settings: &settings)
            } catch {
                throw Problem(path: path, line: index + 1, message: error.message)
            }
        }
        if !critical.isEmpty { settings.rules.critical = critical }
    }

    private static func set(
        _ key: String, _ value: String, critical: inout [CriticalTarget], settings: inout MonitorSettings
    ) throws(Problem) {
        func fail(_ message: String) -> Problem { Problem(path: "", line: nil, message: message) }
        switch key {
        case "critical":  // may repeat: the lists add up
            do throws(CriticalTarget.Invalid) { critical += try CriticalTarget.parseList(value) } catch {
                throw fail("critical: \(error)")
            }
        case "interval":
            settings.rules.intervalNanoseconds = try duration(value, key, minimum: 1_000_000_000)
        case "history":
            settings.historyPath = value == "off" ? nil : try absolutePath(value, key)
        case "history_max_age":
            settings.historyLimits.maxAge = .nanoseconds(
                Int64(try duration(value, key, minimum: 60_000_000_000)))
        case "history_max_mb":
            guard let megabytes = Int64(value), (1...65_536).contains(megabytes) else {
                throw fail("history_max_mb: a number of MiB from 1 to 65536, not '\(value)'")
            }
            settings.historyLimits.maxBytes = megabytes << 20
        case "alert_file": settings.alertFile = value == "off" ? nil : try absolutePath(value, key)
        case "webhook": settings.webhook = value == "off" ? nil : value
        case "alert_command": settings.alertCommand = value == "off" ? nil : .shell(value)
        case "alert_dedup_window":
            settings.throttle.deduplicationWindow = .nanoseconds(Int64(try duration(value, key, minimum: 0)))
        case "alert_rate_limit":
            guard let perMinute = Int(value), perMinute >= 1 else {
                throw fail("alert_rate_limit: alerts per minute, at least 1, not '\(value)'")
            }
            settings.throttle.rateLimit = perMinute
            settings.throttle.rateWindow = .seconds(60)
        case "alert_on_any_crash": settings.rules.alertOnAnyCrash = try flag(value, key)
        case "anomalies_for_all_processes": settings.rules.anomaliesForAllProcesses = try flag(value, key)
        default: throw fail("unknown setting '\(UntrustedText(bytes: Array(key.utf8)).terminalSafe)'")
        }
    }

    private static func duration(_ value: String, _ key: String, minimum: UInt64) throws(Problem) -> UInt64 {
        let nanoseconds: UInt64
        do throws(DurationText.ParseError) {
            nanoseconds = try DurationText.parseNanoseconds(value)
        } catch {
            throw Problem(path: "", line: nil, message: "\(key): \(error)")
        }
        guard nanoseconds >= minimum else {
            let least = DurationText.format(seconds: Double(minimum) / 1e9)
            throw Problem(path: "", line: nil, message: "\(key): at least \(least)")
        }
        return nanoseconds
    }

    private static func blanksTrimmed(_ text: Substring) -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        return String(text.drop(while: blank).reversed().drop(while: blank).reversed())
    }

    private static func absolutePath(_ value: String, _ key: String) throws(Problem) -> String {
        guard value.hasPrefix("/") else {
            throw Problem(path: "", line: nil, message: "\(key): an absolute path")
        }
        return value
    }

    private static func flag(_ value: String, _ key: String) throws(Problem) -> Bool {
        switch value {
        case "yes", "true", "on", "1": return true
        case "no", "false", "off", "0": return false
        default: throw Problem(path: "", line: nil, message: "\(key): yes or no, not '\(value)'")
        }
    }
}
