/// systemd unit names, validated before they are used as a path component or an argument.
/// The grammar is systemd's (unit-name.c): at most 255 bytes, [A-Za-z0-9:_.\-@] plus "\" escapes,
/// a known type suffix, not starting with "-" or ".". Anything else — "nginx; rm -rf /", "$(id)",
/// "../../etc/passwd", "-h" — is rejected, never quoted around.
public enum UnitName {
    public static let suffixes = [
        "service", "socket", "device", "mount", "automount", "swap", "target", "path", "timer", "slice",
        "scope",
    ]

    public enum Invalid: Error, Equatable, CustomStringConvertible {
        case empty
        case tooLong(Int)
        case badCharacter(Character)
        case badStart
        case unknownSuffix(String)
        /// "@.service", "a@b@c.service": a template's prefix is empty, or "@" appears twice.
        case badTemplate

        public var description: String {
            switch self {
            case .empty: return "a unit name is empty"
            case .tooLong(let length): return "a unit name is at most 255 bytes (this one is \(length))"
            case .badCharacter(let character):
                return "a unit name cannot contain \(String(reflecting: String(character)))"
            case .badStart: return "a unit name cannot start with '-' or '.'"
            case .unknownSuffix(let suffix): return "'.\(suffix)' is not a unit type"
            case .badTemplate:
                return "a unit name has at most one '@', after a non-empty prefix (name@instance.service)"
            }
        }
    }

    /// The full unit name: "nginx" becomes "nginx.service".
    public static func normalize(_ text: String) throws(Invalid) -> String {
        guard !text.isEmpty else { throw .empty }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:_.-@\\")
        if let bad = text.first(where: { !allowed.contains($0) }) { throw .badCharacter(bad) }
        guard text.first != "-", text.first != "." else { throw .badStart }
        var name = text
        if let dot = text.lastIndex(of: ".") {
            let suffix = String(text[text.index(after: dot)...])
            if !suffixes.contains(suffix) {
                // Only an empty suffix ("nginx.") is refused. The suffix used to have to be alphanumeric,
                // which rejected real names such as Debian's "php8.2-fpm" (suffix "2-fpm") that
                // `systemctl` mangles to "php8.2-fpm.service"; the characters were already checked above.
                guard suffix.isEmpty == false else { throw .unknownSuffix(suffix) }
                // "foo.bar" with an unknown suffix: systemd would read it as a service "foo.bar".
                name += ".service"
            }
        } else {
            name += ".service"
        }
        guard name.utf8.count <= 255 else { throw .tooLong(name.utf8.count) }
        let stem = name[..<(name.lastIndex(of: ".") ?? name.endIndex)]
        guard stem.first != "@", stem.filter({ $0 == "@" }).count <= 1 else { throw .badTemplate }
        return name
    }

    /// The innermost unit in a cgroup path: "/system.slice/nginx.service" -> "nginx.service".
    public static func innermostUnit(inCgroupPath path: String) -> String? {
        for component in path.split(separator: "/").reversed() {
            if component.hasSuffix(".service") || component.hasSuffix(".scope") { return String(component) }
        }
        return nil
    }
}
