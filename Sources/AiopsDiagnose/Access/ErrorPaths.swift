/// File paths named in error messages, with what the message said went wrong:
/// nginx 'open() "/var/log/nginx/error.log" failed (13: Permission denied)', Python
/// "PermissionError: [Errno 13] Permission denied: '/srv/data'", systemd "Failed to set up
/// mount namespacing: /run/foo: No such file or directory", "chdir: /srv: Permission denied".
public enum ErrorPaths {
    public enum Problem: String, Sendable {
        case permissionDenied = "permission_denied"
        case missing
        case readOnly = "read_only"
    }

    public struct Mention: Hashable, Sendable {
        public var path: String
        public var problem: Problem
        public var line: String
    }

    public static func find(in lines: [String]) -> [Mention] {
        var found: [Mention] = []
        var seen: Set<String> = []
        for line in lines {
            let lower = line.lowercased()
            let problem: Problem
            if lower.contains("permission denied") || lower.contains("eacces") || lower.contains("errno 13")
                || lower.contains("operation not permitted")
            {
                problem = .permissionDenied
            } else if lower.contains("no such file or directory") || lower.contains("enoent")
                || lower.contains("errno 2]")
            {
                problem = .missing
            } else if lower.contains("read-only file system") || lower.contains("erofs") {
                problem = .readOnly
            } else {
                continue
            }
            for path in paths(in: line) where seen.insert(path).inserted {
                found.append(Mention(path: path, problem: problem, line: line))
            }
        }
        return found
    }

    /// Absolute paths in a line: a "/" at the start of a word or after a quote, up to a quote,
    /// a space, or a trailing ":" / "," / ")".
    static func paths(in line: String) -> [String] {
        var found: [String] = []
        let characters = Array(line)
        var index = 0
        while index < characters.count {
            let starts =
                characters[index] == "/"
                && (index == 0 || " \"'`([=".contains(characters[index - 1]))
            guard starts else {
                index += 1
                continue
            }
            var end = index
            while end < characters.count, !" \"'`,;)]\t".contains(characters[end]) { end += 1 }
            var path = String(characters[index..<end])
            while path.count > 1, path.hasSuffix(":") || path.hasSuffix(".") { path.removeLast() }
            if path.count > 1 { found.append(path) }
            index = end
        }
        return found
    }
}
