import Testing

@testable import AiopsReports

@Suite("collect processes --csv")
struct ProcessCSVTests {
    @Test(
        "text a process chose cannot become a spreadsheet formula",
        arguments: [
            ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"), ("+1+1", "'+1+1"), ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\r=1", "'\r=1"), ("nginx: worker", "nginx: worker"),
            ("", ""), ("a=b", "a=b"),
        ])
    func inert(field: String, expected: String) {
        #expect(ProcessCSV.inert(field) == expected)
    }

    @Test("a formula in a command line is quoted as text in its cell")
    func quotedCell() {
        #expect(ProcessCSV.quote(ProcessCSV.inert("=HYPERLINK(\"x\")")) == "\"'=HYPERLINK(\"\"x\"\")\"")
    }
}
