import AiopsCore
import AiopsSystemd

/// Every port a unit is configured to use: its commands' options, the configuration files of
/// daemons aiops can read, `PORT=`-style Environment= assignments, and the socket units that
/// activate it.
public struct ServicePorts: Sendable {
    public var systemd: SystemdReading

    public init(systemd: SystemdReading) {
        self.systemd = systemd
    }

    public func configured(_ properties: UnitProperties, commands: [ExecCommand]) -> [ConfiguredPort] {
        var configured: [ConfiguredPort] = []
        for command in commands {
            configured += CommandLinePorts.find(in: command.words)
            if let (syntax, defaultFile) = ConfigFilePorts.known(program: command.programName) {
                let file = ConfigFilePorts.mainFile(
                    words: command.words, program: command.programName, defaultPath: defaultFile)
                configured += ConfigFilePorts.find(mainFile: file, syntax: syntax)
            }
        }
        configured += Self.environmentPorts(properties.list("Environment"))
        // TriggeredBy= names the socket units that start it, whether by name (foo.socket for
        // foo.service) or by Sockets=. (systemd 252 has no Sockets property to read: Sockets=
        // becomes Wants=, After= and TriggeredBy=.) A socket that is listening holds its ports
        // for this service (systemd, PID 1, is their owner): no conflict to look for there.
        for socket in properties.list("TriggeredBy")
        where socket.hasSuffix(".socket") && (try? UnitName.normalize(socket)) == socket {
            guard let listed = try? systemd.properties(of: socket, names: ["Id", "ActiveState", "Listen"]),
                ["failed", "inactive"].contains(listed.activeState ?? "")
            else { continue }
            configured += SocketUnitPorts.find(
                listen: (listed.allValues["Listen"] ?? []).map(\.lossyString), socketUnit: socket)
        }
        return configured
    }

    /// "PORT=8089", "HTTP_PORT=80" in Environment=.
    static func environmentPorts(_ assignments: [String]) -> [ConfiguredPort] {
        assignments.compactMap { assignment in
            let parts = assignment.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].uppercased().hasSuffix("PORT"),
                let port = CommandLinePorts.number(String(parts[1]))
            else { return nil }
            return ConfiguredPort(port: port, source: "Environment \(assignment.shown)")
        }
    }
}
