import AiopsCore

/// One `--critical` criterion: a process by PID, by name, or every process of a systemd unit.
///
/// A bare number is a PID; a word with a unit suffix (`nginx.service`, `app.scope`) is a unit;
/// anything else is a process name, matched against the kernel's 15-byte `comm` and the base
/// name of argv[0] (so `postgres` matches `/usr/lib/postgresql/15/bin/postgres` whatever its
/// comm). Names are matched byte for byte: no patterns, so a hostile name cannot widen a match.
public enum CriticalTarget: Hashable, Sendable, CustomStringConvertible {
    case pid(Int32)
    case name(String)
    case unit(String)

    public enum Invalid: Error, Equatable, CustomStringConvertible {
        case empty
        case badPID(String)
        case badUnit(String, UnitName.Invalid)
        case badName(String)

        public var description: String {
            switch self {
            case .empty: return "an empty --critical entry"
            case .badPID(let text): return "'\(text)' is not a process id (1 to 4194304)"
            case .badUnit(let text, let why): return "'\(text)' is not a unit name: \(why)"
            case .badName(let text):
                return
                    "'\(UntrustedText(bytes: Array(text.utf8)).terminalSafe)' is not a process name (no '/', control characters or blanks)"
            }
        }
    }

    public init(parsing text: String) throws(Invalid) {
        guard !text.isEmpty else { throw .empty }
        if text.allSatisfy(\.isASCIIDigit) {
            guard let pid = Int32(text), pid > 0, pid <= 4_194_304 else { throw .badPID(text) }
            self = .pid(pid)
            return
        }
        if let dot = text.lastIndex(of: "."),
            UnitName.suffixes.contains(String(text[text.index(after: dot)...]))
        {
            do throws(UnitName.Invalid) {
                self = .unit(try UnitName.normalize(text))
            } catch {
                throw .badUnit(text, error)
            }
            return
        }
        guard !text.contains("/"), text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F })
        else {
            throw .badName(text)
        }
        self = .name(text)
    }

    /// Parses a list as given on the command line or in the config file: entries separated by
    /// commas or blanks ("nginx,1234 sshd.service").
    public static func parseList(_ text: String) throws(Invalid) -> [CriticalTarget] {
        var targets: [CriticalTarget] = []
        for entry in text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }) {
            targets.append(try CriticalTarget(parsing: String(entry)))
        }
        return targets
    }

    public var description: String {
        switch self {
        case .pid(let pid): return "pid \(pid)"
        case .name(let name): return name
        case .unit(let unit): return unit
        }
    }

    /// Whether a process with these facts is one this criterion names. `comm` and argv[0] are
    /// the kernel's bytes; the kernel cuts `comm` at 15 bytes, so a longer name matches its cut.
    func matches(pid: Int32, comm: UntrustedText, argv0: UntrustedText?, unit: String?) -> Bool {
        switch self {
        case .pid(let wanted): return pid == wanted
        case .unit(let wanted): return unit == wanted
        case .name(let wanted):
            let name = Array(wanted.utf8)
            if comm.bytes == name || (name.count > 15 && comm.bytes == Array(name.prefix(15))) { return true }
            guard let argv0 else { return false }
            let base = argv0.bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).last
            return base.map(Array.init) == name
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
