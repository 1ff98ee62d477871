import AiopsCore
import AiopsReports
import ArgumentParser

/// `aiops analyze service --name NAME [--detail] [--json]`.
struct AnalyzeServiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service",
        abstract:
            "A systemd service's state, main process, cgroup processes, limits, events and journal tail.",
        discussion: """
            Reads systemd (systemctl show), the unit's cgroup (/proc) and its journal. State,
            main PID and times are systemd's own, with microseconds. Needs systemd as PID 1:
            elsewhere it says so and exits 69; an unknown unit exits 66.
            """)

    @Option(help: ArgumentHelp("The unit: nginx means nginx.service.", valueName: "name"))
    var name: String

    @Flag(help: "More: every process, ExecStart, user, 30 events and 40 journal lines.")
    var detail = false

    @OptionGroup var output: JSONOutputOption
    var json: Bool { output.json }

    func validate() throws {
        _ = try unit()
    }

    func unit() throws -> String {
        do {
            return try UnitName.normalize(name)
        } catch {
            throw ValidationError("--name: \(error)")
        }
    }

    func run() throws {
        let target = try ServiceTarget.resolve(unit: unit())
        let report = try ServiceReportBuilder.build(target, detail: detail)
        try ReportOutput.write(
            json: json, encode: { ServiceJSON.encode(report) }, panel: { ServiceTable.panel(report) })
    }
}
