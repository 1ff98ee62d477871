import AiopsCore
import ArgumentParser

/// `aiops diagnose`: why something does not work (today: a service that will not start).
struct DiagnoseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "Diagnose why a service fails to start.",
        subcommands: [DiagnoseStartFailureCommand.self])
}

/// `aiops diagnose start-failure --name NAME [--json]`.
struct DiagnoseStartFailureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start-failure",
        abstract: "Why a systemd service failed to start, and how to fix it.",
        discussion: """
            Reads the unit (systemctl show) and the journal of its last start attempt — including
            entries systemd logged before journald could attribute them — then checks port
            conflicts (and who holds the port), the unit file and the daemon's own configuration
            (nginx -t, sshd -t, … when the program is known), dependencies, and whether the
            service's User= can execute its program and use its directories. Ends with solutions,
            most likely first, with exact commands, and a one-line quick fix. Needs systemd as
            PID 1 (exit 69 otherwise); run as root to see every process and the whole journal.
            """)

    @Option(
        name: [.customLong("name"), .customLong("service")],
        help: ArgumentHelp("The unit: nginx, nginx.service, php8.2-fpm.", valueName: "unit"))
    var name: String

    @OptionGroup var output: JSONOutputOption
    var json: Bool { output.json }

    func validate() throws {
        _ = try unit()
    }

    func run() throws {
        try StartFailureSession(unit: unit(), json: json).run()
    }

    /// The full unit name; a name systemd's grammar rejects is a usage error (exit 2).
    func unit() throws -> String {
        do {
            return try UnitName.normalize(name)
        } catch {
            throw ValidationError("--name \(UntrustedText(stringLiteral: name).terminalSafe): \(error)")
        }
    }
}
