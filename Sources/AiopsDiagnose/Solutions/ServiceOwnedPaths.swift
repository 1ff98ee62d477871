/// Where a service's own files live, so that giving one of them to the service's user is a
/// reasonable fix — as opposed to a system file (/etc/shadow, /usr/bin/…) whose ownership must
/// not change because one service failed to read it.
enum ServiceOwnedPaths {
    /// Below these (never the directories themselves) a path belongs to some service.
    static let roots = [
        "/var/lib/", "/var/log/", "/var/cache/", "/var/spool/", "/var/www/", "/run/", "/srv/", "/opt/",
        "/home/", "/tmp/", "/var/tmp/",
    ]

    static func mayHandOver(_ path: String) -> Bool {
        // ".." could climb out of the root it starts in.
        guard path.hasPrefix("/"), !path.split(separator: "/").contains("..") else { return false }
        return roots.contains { root in path.hasPrefix(root) && path.count > root.count }
    }
}
