import AiopsCore
import AiopsSystemd

/// Every port a unit is configured to use: its commands' options, the configuration files of
/// daemons aiops can read, `PORT=`-style Environment= assignments, and its socket units.
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
        for socket in properties.list("Sockets") where (try? UnitName.normalize(socket)) == socket {
            guard let listed = try? systemd.properties(of: socket, names: ["Id", "Listen"]) else { continue }
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
