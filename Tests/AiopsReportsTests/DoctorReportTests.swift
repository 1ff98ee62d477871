import AiopsCore
import AiopsRender
import AiopsReports
import Testing

/// The doctor's checklist and object, from values: what the probes found is the CLI's business.
@Suite("doctor: the report")
struct DoctorReportTests {
    let report = DoctorReport(
        checks: [
            .init(name: "kernel", status: .info, detail: "Linux 6.18 x86_64"),
            .init(name: "BPF lifecycle tracer", status: .missing, detail: "EPERM"),
            .init(name: "proc connector", status: .ok, detail: "subscribed to netlink CN_IDX_PROC"),
        ],
        backend: .procConnector, limitations: ["signals"])

    @Test("the checklist aligns the names and says the backend and what it cannot see")
    func table() {
        #expect(
            report.table(style: TerminalStyle(colors: false)) == [
                "aiops doctor",
                "  • kernel                Linux 6.18 x86_64",
                "  ✘ BPF lifecycle tracer  EPERM",
                "  ✔ proc connector        subscribed to netlink CN_IDX_PROC",
                "",
                "trace backend: proc-connector",
                "  cannot see: signals",
            ])
    }

    @Test("the object keeps its schema and keys")
    func json() {
        #expect(
            String(decoding: report.json(), as: UTF8.self)
                == #"{"schema":"aiops.doctor/1","checks":[{"name":"kernel","status":"info","detail":"#
                + #""Linux 6.18 x86_64"},{"name":"BPF lifecycle tracer","status":"missing","detail":"EPERM"},"#
                + #"{"name":"proc connector","status":"ok","detail":"subscribed to netlink CN_IDX_PROC"}],"#
                + #""trace_backend":"proc-connector","trace_limitations":["signals"]}"#)
    }
}
