import AiopsAlert
import AiopsCore
import Foundation
import Testing

@Suite("Alert line (terminal)")
struct AlertLineTests {
    let plain = AlertLineFormatter(colors: false, zone: .utc)

    @Test("the documented line")
    func format() {
        #expect(
            plain.line(Alert.sample(unit: nil))
                == "2026-11-25 10:20:30 CRITICAL process_exited nginx (pid 1234): exited with SIGSEGV (core dumped)"
        )
        #expect(
            plain.line(Alert.sample(), repeats: 4)
                == "2026-11-25 10:20:30 CRITICAL process_exited nginx (pid 1234, nginx.service): "
                + "exited with SIGSEGV (core dumped) (+4 repeats)")
        #expect(
            plain.line(
                Alert.sample(.cpuSpike, .warning, subject: "nginx.service", pid: nil, summary: "cpu 97%"))
                == "2026-11-25 10:20:30 WARNING cpu_spike nginx.service: cpu 97%")
        // A subject that already names the pid does not name it twice.
        #expect(
            plain.line(Alert.sample(subject: "nginx (pid 1234)", unit: nil)).contains("nginx (pid 1234): "))
    }

    @Test("hostile subject, unit and summary: not one control character reaches the terminal")
    func hostile() {
        let alert = Alert.sample(subject: hostileText, unit: hostileText, summary: hostileText)
        for formatter in [plain, AlertLineFormatter(colors: true, zone: .local)] {
            var line = formatter.line(alert, repeats: 1)
            // The colour codes the formatter adds itself are the only escapes allowed.
            line = line.replacingOccurrences(of: "\u{1B}[1;31m", with: "").replacingOccurrences(
                of: "\u{1B}[0m", with: "")
            let unsafe = line.unicodeScalars.filter { scalar in
                scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                    || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
            }
            #expect(unsafe.isEmpty, "control characters in \(line.debugDescription)")
            #expect(line.contains("$(touch pwned)`id`é"), "printable text is kept")
        }
    }

    @Test("colour only when asked: the severity word, reset after it")
    func colour() {
        let coloured = AlertLineFormatter(colors: true, zone: .utc).line(Alert.sample())
        #expect(coloured.contains("\u{1B}[1;31mCRITICAL\u{1B}[0m process_exited"))
        #expect(
            AlertLineFormatter(colors: true, zone: .utc).line(Alert.sample(.cpuSpike, .warning)).contains(
                "\u{1B}[33mWARNING"))
        #expect(!plain.line(Alert.sample()).contains("\u{1B}"))
    }

    @Test("the terminal sink writes one line per alert, uncoloured on a pipe")
    func terminalSink() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let sink = TerminalSink(fd: fds[1], zone: .utc)
        let alert = Alert.sample(summary: hostileText)
        sink.deliver(OutgoingAlert(alert: alert, repeats: 0, json: []))
        sink.deliver(OutgoingAlert(alert: alert, repeats: 3, json: []))
        close(fds[1])
        let output = String(decoding: FileHandle(fileDescriptor: fds[0]).readDataToEndOfFile(), as: UTF8.self)
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines[2].isEmpty, "two lines, each ended: \(output.debugDescription)")
        #expect(!output.contains("\u{1B}"))
        #expect(lines[1].hasSuffix("(+3 repeats)"))
        #expect(sink.statistics().delivered == 2)
    }
}
