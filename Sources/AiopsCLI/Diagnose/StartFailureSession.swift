import AiopsCore
import AiopsDiagnose
import AiopsPlatform
import AiopsRender
import AiopsReports

#if canImport(Glibc)
    import Glibc
#endif

/// One `aiops diagnose start-failure` run: diagnose, then print the report or the JSON object.
struct StartFailureSession {
    let unit: String
    let json: Bool

    func run() throws(AiopsError) {
        let diagnosis = try StartFailureDiagnoser().diagnose(unit: unit)
        let clock = WallClock.measure()
        if json {
            try ReportOutput.writeJSON(StartFailureJSON.encode(diagnosis, clock: clock))
        } else {
            try ReportOutput.writeLines { style in
                StartFailurePanel.panel(diagnosis, clock: clock).render(style: style) + [
                    "", style.paint("⚡ Quick fix:", .bold), StartFailurePanel.plain(diagnosis.plan.quickFix),
                ]
            }
        }
    }
}
