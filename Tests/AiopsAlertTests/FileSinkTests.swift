import AiopsAlert
import AiopsCore
import AiopsTestSupport
import Foundation
import Testing

@Suite("JSON-lines file sink")
struct FileSinkTests {
    @Test("one valid JSON line per alert, hostile bytes included; the directory is created; mode 0640")
    func lines() throws {
        let directory = TemporaryDirectory(prefix: "aiops-alert")
        let path = directory.file("nested/deeper/alerts.jsonl")
        let problems = ProblemLog()
        let dispatcher = dispatcher([QueuedSink.jsonLinesFile(path: path, reporter: problems.reporter)])
        let subjects = ["nginx", hostileText, "line\u{2028}separator", ""]
        for subject in subjects { dispatcher.dispatch(.sample(subject: subject, summary: hostileText)) }
        #expect(dispatcher.shutdown(timeout: .seconds(5)))

        let content = try Data(contentsOf: URL(fileURLWithPath: path))
        let lines = content.split(separator: 0x0A, omittingEmptySubsequences: false)
        #expect(lines.count == subjects.count + 1 && lines.last?.isEmpty == true, "every line ends with \\n")
        for (line, subject) in zip(lines, subjects) {
            let object = try jsonObject(line)
            #expect(object["subject"] as? String == subject)
            #expect(object["summary"] as? String == hostileText)
        }
        var status = stat()
        #expect(stat(path, &status) == 0)
        #expect(status.st_mode & 0o777 & ~0o640 == 0, "no more than rw-r-----")
        #expect(problems.all.isEmpty)
        let statistics = try #require(dispatcher.statistics().sinks.first)
        #expect(statistics.delivered == UInt64(subjects.count) && statistics.failed == 0)
    }

    @Test("an existing file is appended to, never truncated")
    func appends() throws {
        let directory = TemporaryDirectory(prefix: "aiops-alert")
        let path = directory.file("alerts.jsonl")
        try Data("{\"earlier\":true}\n".utf8).write(to: URL(fileURLWithPath: path))
        let dispatcher = dispatcher([QueuedSink.jsonLinesFile(path: path)])
        dispatcher.dispatch(.sample())
        dispatcher.shutdown(timeout: .seconds(5))
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2 && lines[0] == "{\"earlier\":true}")
    }

    @Test(
        "an unwritable path (a directory) is reported once, counted, never thrown; writes resume when it is fixed"
    )
    func unwritable() throws {
        let directory = TemporaryDirectory(prefix: "aiops-alert")
        let path = directory.file("alerts.jsonl")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        let problems = ProblemLog()
        let sink = QueuedSink.jsonLinesFile(path: path, reporter: problems.reporter)
        let dispatcher = dispatcher([sink])
        for index in 0..<5 { dispatcher.dispatch(.sample(subject: "p\(index)")) }
        #expect(waitUntil { sink.statistics().failed == 5 })
        #expect(problems.all.count == 1, "\(problems.all)")
        #expect(problems.all.first?.contains("file \(path): cannot open: Is a directory") == true)
        #expect(sink.statistics().lastError == "cannot open: Is a directory")

        try FileManager.default.removeItem(atPath: path)
        dispatcher.dispatch(.sample(subject: "after"))
        #expect(dispatcher.shutdown(timeout: .seconds(5)))
        #expect(sink.statistics().delivered == 1)
        #expect(
            problems.all.count == 2
                && problems.all[1].contains("delivering again (5 alerts failed meanwhile)"))
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("\"subject\":\"after\""))
    }
}
