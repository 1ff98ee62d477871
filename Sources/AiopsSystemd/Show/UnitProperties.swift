import AiopsCore

/// A unit's properties as `systemctl show` prints them ("Key=Value" lines), with typed views of
/// the ones the analyses use. Values are systemd's text; the unit's own strings in them
/// (Description, ExecStart) are kept as untrusted bytes.
public struct UnitProperties: Sendable {
    public var values: [String: UntrustedText]
    /// Every value of each key, in order: a key repeats for properties with several entries
    /// (one ExecStartPre= line per command). `values` keeps the last.
    public var allValues: [String: [UntrustedText]] = [:]

    public init(values: [String: UntrustedText]) {
        self.values = values
    }

    /// Parses `systemctl show` output. A value may contain "=" (ExecStart); only the first splits.
    public static func parse(_ lines: [ArraySlice<UInt8>]) -> UnitProperties {
        var values: [String: UntrustedText] = [:]
        var allValues: [String: [UntrustedText]] = [:]
        for line in lines {
            guard let equals = line.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let key = String(decoding: line[line.startIndex..<equals], as: UTF8.self)
            values[key] = UntrustedText(line[(equals + 1)...])
            allValues[key, default: []].append(UntrustedText(line[(equals + 1)...]))
        }
        var properties = UnitProperties(values: values)
        properties.allValues = allValues
        return properties
    }

    /// The properties every analysis reads; asked for by name so output stays small and stable.
    public static let standard = [
        "Id", "Description", "LoadState", "LoadError", "ActiveState", "SubState", "Result", "Type", "MainPID",
        "ExecMainPID", "ExecMainCode", "ExecMainStatus", "ExecMainStartTimestamp", "ExecMainExitTimestamp",
        "ActiveEnterTimestamp", "ActiveExitTimestamp", "InactiveEnterTimestamp", "InactiveExitTimestamp",
        "StateChangeTimestamp", "NRestarts", "InvocationID", "ControlGroup", "Restart", "RestartUSec",
        "StartLimitBurst", "StartLimitIntervalUSec", "StartLimitAction", "OOMPolicy", "WatchdogUSec",
        "MemoryCurrent", "MemoryMax", "MemoryHigh", "MemoryLimit", "TasksCurrent", "TasksMax", "LimitCORE",
        "FragmentPath", "DropInPaths", "UnitFileState", "User", "WorkingDirectory", "ExecStart", "Requires",
        "Wants", "After",
    ]

    /// A value as plain text for systemd's own vocabulary (states, numbers); escaped.
    public func text(_ key: String) -> String? {
        guard let value = values[key], !value.isEmpty else { return nil }
        return value.terminalSafe
    }

    public func integer(_ key: String) -> Int64? { text(key).flatMap { Int64($0) } }

    /// Bytes, counts and microseconds where "infinity" and "[not set]" mean no number.
    public func quantity(_ key: String) -> Quantity {
        guard let text = text(key) else { return .unset }
        if text == "infinity" { return .infinity }
        if let value = UInt64(text) {
            // systemd prints UINT64_MAX for "unset" in a few properties (MemoryCurrent without
            // accounting).
            return value == UInt64.max ? .unset : .value(value)
        }
        return .unset
    }

    public enum Quantity: Sendable, Equatable {
        case value(UInt64)
        case infinity
        case unset

        public var number: UInt64? {
            if case .value(let value) = self { return value }
            return nil
        }
    }

    /// A *USec duration ("2s", "1min 30s") in microseconds; nil for infinity or unset.
    public func duration(_ key: String) -> UInt64? {
        text(key).flatMap(SystemdTimespan.parseMicroseconds)
    }

    /// A `--timestamp=us+utc` time as Unix microseconds.
    public func timestamp(_ key: String) -> Int64? {
        text(key).flatMap(SystemdTimestamp.parseMicroseconds)
    }

    public var id: String? { text("Id") }
    public var loadState: String? { text("LoadState") }
    public var activeState: String? { text("ActiveState") }
    public var subState: String? { text("SubState") }
    public var result: String? { text("Result") }
    public var isLoaded: Bool { loadState != nil && loadState != "not-found" }

    /// The main process, when there is one (0 means none).
    public var mainPID: Int32? {
        guard let pid = integer("MainPID"), pid > 0, pid <= Int64(Int32.max) else { return nil }
        return Int32(pid)
    }

    public var controlGroup: String? { text("ControlGroup") }
}
