import AiopsSystemd

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

extension UnitProperties {
    /// The commands of an Exec*= property (one value per command).
    public func commands(_ key: String) -> [ExecCommand] {
        (allValues[key] ?? values[key].map { [$0] } ?? []).compactMap { ExecCommand.parse($0.lossyString) }
    }

    /// A value as the bytes systemd printed (decoded, not escaped): for paths and names that are
    /// used, not shown. nil when empty.
    public func plain(_ key: String) -> String? {
        guard let value = values[key], !value.isEmpty else { return nil }
        return value.lossyString
    }

    /// A space-separated list property (Requires=, RuntimeDirectory=, Environment=…).
    public func list(_ key: String) -> [String] {
        (values[key]?.lossyString ?? "").split(separator: " ").map(String.init)
    }
}
