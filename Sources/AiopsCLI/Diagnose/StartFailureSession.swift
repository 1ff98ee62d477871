import AiopsCore
import AiopsDiagnose
import AiopsRender

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

/// Journal times (Unix microseconds) on the boot clock the report helpers format.
func bootInstant(unixMicroseconds: Int64, clock: WallClock) -> BootInstant {
    let nanoseconds = unixMicroseconds &* 1000 &- clock.offsetNanoseconds
    return BootInstant(nanoseconds: UInt64(max(nanoseconds, 0)))
}
