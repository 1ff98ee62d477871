/// The configuration checkers of well-known daemons, chosen by the name of the program in
/// ExecStart=. Each is the daemon's own syntax test, run without a shell.
public enum ConfigCheckers {
    public struct Checker: Equatable, Sendable {
        /// What the operator would type (shown, and used in suggestions).
        public var argv: [String]
        /// The configuration file it tests, when known.
        public var file: String?
    }

    /// The checker for `command`, or nil when aiops knows none for that program.
    public static func checker(for command: ExecCommand) -> Checker? {
        let program = command.programName
        let words = command.words
        func option(_ flag: String) -> String? {
            guard let index = words.firstIndex(of: flag), index + 1 < words.count else { return nil }
            return words[index + 1]
        }
        switch program {
        case "nginx":
            let file = option("-c")
            return Checker(
                argv: [command.path, "-t"] + (file.map { ["-c", $0] } ?? []),
                file: file ?? "/etc/nginx/nginx.conf")
        case "apache2":
            // apache2 alone needs the variables of /etc/apache2/envvars: apache2ctl sets them.
            return Checker(
                argv: [BoundedCommand.locate("apache2ctl") ?? "apache2ctl", "configtest"], file: nil)
        case "httpd":
            let file = option("-f")
            return Checker(argv: [command.path, "-t"] + (file.map { ["-f", $0] } ?? []), file: file)
        case "sshd":
            let file = option("-f")
            return Checker(
                argv: [command.path, "-t"] + (file.map { ["-f", $0] } ?? []),
                file: file ?? "/etc/ssh/sshd_config")
        case "haproxy":
            let file = option("-f") ?? "/etc/haproxy/haproxy.cfg"
            return Checker(argv: [command.path, "-c", "-f", file], file: file)
        case "named":
            let file = option("-c")
            return Checker(
                argv: ["named-checkconf"] + (file.map { [$0] } ?? []), file: file ?? "/etc/bind/named.conf")
        case "unbound":
            let file = option("-c")
            return Checker(argv: ["unbound-checkconf"] + (file.map { [$0] } ?? []), file: file)
        case "dnsmasq":
            let file = option("-C")
            return Checker(argv: [command.path, "--test"] + (file.map { ["-C", $0] } ?? []), file: file)
        case "squid":
            let file = option("-f")
            return Checker(
                argv: [command.path, "-k", "parse"] + (file.map { ["-f", $0] } ?? []), file: file)
        case "smbd":
            return Checker(argv: ["testparm", "-s"], file: "/etc/samba/smb.conf")
        case "dhcpd":
            let file = option("-cf")
            return Checker(argv: [command.path, "-t"] + (file.map { ["-cf", $0] } ?? []), file: file)
        case "postfix", "master":
            return Checker(argv: ["postfix", "check"], file: "/etc/postfix/main.cf")
        case "exim4":
            return Checker(argv: [command.path, "-bV"], file: nil)
        default:
            if program.hasPrefix("php-fpm") {
                let file = option("--fpm-config") ?? option("-y")
                return Checker(
                    argv: [command.path, "-t"] + (file.map { ["--fpm-config", $0] } ?? []), file: file)
            }
            return nil
        }
    }
}
