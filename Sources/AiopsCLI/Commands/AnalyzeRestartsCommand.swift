import AiopsCore
import AiopsReports
import AiopsStore
import ArgumentParser

/// `aiops analyze restarts --service NAME [--period 7d] [--json]`.
struct AnalyzeRestartsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restarts",
        abstract:
            "A service's restart history: each restart's time, cause and recovery; rate, MTTR, patterns.",
        discussion: """
            Rebuilds the history from the journal, one run (INVOCATION_ID) at a time — never from
            systemd's NRestarts, which forgets on every stop. Each end of a run is classified:
            crash (signal, core dumped), exit-code failure (status and meaning, e.g. 203/EXEC),
            OOM kill (systemd's, or the kernel log naming the unit's cgroup), watchdog, timeout,
            start limit hit, manual restart, manual stop/start, failed dependency. Deaths the
            monitoring daemon recorded in its history (`aiops monitor processes`) are joined in:
            who sent the signal, and the process's resources when it died. Needs systemd as
            PID 1 (else exit 69); a unit systemd never heard of exits 66.
            """)

    @Option(help: ArgumentHelp("The unit: mysql means mysql.service.", valueName: "name"))
    var service: String

    @Option(help: ArgumentHelp("How far back to look: 1h, 24h, 7d.", valueName: "duration"))
    var period: String = "7d"

    /// The monitoring daemon's history, joined in.
    @OptionGroup var monitorHistory: HistoryPathOption

    @OptionGroup var output: JSONOutputOption

    func validate() throws {
        _ = try options()
    }

    func options() throws -> RestartsOptions {
        let unit: String
        do {
            unit = try UnitName.normalize(service)
        } catch {
            throw ValidationError("--service: \(error)")
        }
        let nanoseconds = try parseDuration(period, option: "--period")
        return RestartsOptions(
            unit: unit, periodMicroseconds: Int64(nanoseconds / 1000),
            historyPath: monitorHistory.history ?? HistoryStore.defaultPath, json: output.json)
    }

    func run() throws {
        let options = try options()
        let report = try RestartsReportBuilder.build(options)
        try ReportOutput.write(
            json: options.json, encode: { RestartsJSON.encode(report) },
            panel: { RestartsTable.panel(report) })
    }
}

struct RestartsOptions {
    var unit: String
    var periodMicroseconds: Int64
    var historyPath: String
    var json: Bool
}
