import AiopsTestSupport
import Foundation
import Testing

/// AC1: `aiops collect processes` against `ps`, run at the same moment. Processes change between
/// two reads (a process starts, a state flips from R to S), so ps is read between two aiops
/// snapshots and a figure only counts as wrong if it matches neither.
@Suite("collect processes against ps")
struct CollectAccuracyTests {
    struct PsLine {
        var pid: Int
        var user: String
        var pcpu: String
        var pmem: String
        var vsz: Int
        var rss: Int
        var tty: String
        var stat: String
        var cpuSeconds: Int
        var threads: Int
    }

    private func snapshot() throws -> [Int: [String: Any]] {
        let result = try runCommand(BuildProducts.aiops, ["collect", "processes", "--json"], timeout: 60)
        #expect(result.status == 0, "stderr: \(result.standardError)")
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(document["schema"] as? String == "aiops.collect/1")
        let processes = try #require(document["processes"] as? [[String: Any]])
        return Dictionary(
            uniqueKeysWithValues: processes.compactMap { process in
                (process["pid"] as? Int).map { ($0, process) }
            })
    }

    private func ps() throws -> [Int: PsLine] {
        let result = try runCommand(
            "/bin/ps", ["-eo", "pid=,user:32=,pcpu=,pmem=,vsz=,rss=,tty=,stat=,times=,nlwp="], timeout: 60)
        #expect(result.status == 0)
        var lines: [Int: PsLine] = [:]
        for line in result.outputLines {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard fields.count == 10, let pid = Int(fields[0]), let vsz = Int(fields[4]),
                let rss = Int(fields[5]),
                let seconds = Int(fields[8]), let threads = Int(fields[9])
            else { continue }
            lines[pid] = PsLine(
                pid: pid, user: fields[1], pcpu: fields[2], pmem: fields[3], vsz: vsz, rss: rss,
                tty: fields[6],
                stat: fields[7], cpuSeconds: seconds, threads: threads)
        }
        return lines
    }

    @Test("the same processes, states, names, terminals, memory and CPU as ps")
    func agreesWithPs() throws {
        let before = try snapshot()
        let oracle = try ps()
        let after = try snapshot()

        // The same set: a pid ps saw must be in one of our snapshots, and vice versa.
        let ours = Set(before.keys).union(after.keys)
        let missing = Set(oracle.keys).subtracting(ours)
        let extra = Set(before.keys).intersection(after.keys).subtracting(oracle.keys)
        #expect(
            Double(missing.count + extra.count) <= Double(oracle.count) * 0.01 + 1,
            "missing \(missing), extra \(extra)")

        var compared = 0
        var wrong: [String] = []
        for (pid, line) in oracle {
            let candidates = [before[pid], after[pid]].compactMap { $0 }
            guard !candidates.isEmpty else { continue }
            compared += 1
            func check(_ name: String, _ matches: ([String: Any]) -> Bool) {
                if !candidates.contains(where: matches) { wrong.append("\(pid) \(name): ps \(line)") }
            }
            check("state") { ($0["state"] as? String) == String(line.stat.prefix(1)) }
            check("stat") { ($0["stat"] as? String) == line.stat }
            check("user") { ($0["user"] as? String) == line.user }
            check("tty") { ($0["tty"] as? String) == line.tty }
            check("threads") { ($0["threads"] as? Int) == line.threads }
            // Numbers: within 5% of one snapshot, or between the two (ps read them in between).
            func numeric(_ name: String, _ key: String, _ expected: Double, percent: Double, slack: Double) {
                let values = candidates.compactMap {
                    ($0[key] as? Double) ?? ($0[key] as? Int).map(Double.init)
                }
                guard let low = values.min(), let high = values.max() else {
                    wrong.append("\(pid) \(name): missing")
                    return
                }
                let tolerance = max(slack, abs(expected) * percent / 100)
                if expected < low - tolerance || expected > high + tolerance {
                    wrong.append("\(pid) \(name): ours \(values), ps \(expected)")
                }
            }
            numeric("vsz", "vsz_kb", Double(line.vsz), percent: 5, slack: 8)
            numeric("rss", "rss_kb", Double(line.rss), percent: 5, slack: 8)
            numeric("cpu time", "cpu_time_s", Double(line.cpuSeconds), percent: 5, slack: 1)
            // %CPU and %MEM as ps computes them: to the tenth, give or take one when a read
            // straddles a clock tick.
            numeric("%cpu", "cpu_percent", Double(line.pcpu) ?? -9, percent: 0, slack: 0.1)
            numeric("%mem", "mem_percent", Double(line.pmem) ?? -9, percent: 0, slack: 0.1)
        }
        #expect(compared >= oracle.count - missing.count)
        #expect(compared > 20, "too few processes compared")
        // Exact for every process present in both, apart from ones caught changing in between
        // (starting up, exec'ing): at most 1% of them, plus one.
        let processesWrong = Set(wrong.map { $0.prefix { $0 != " " } })
        #expect(
            Double(processesWrong.count) <= Double(compared) * 0.01 + 1,
            "\(processesWrong.count) processes differ: \(wrong.prefix(10))")
    }

}

@Suite("collect processes")
struct CollectProcessesTests {
    @Test("--duration samples CPU used in the window and lists short-lived exits with their status")
    func window() throws {
        let collect = try RunningCommand(
            BuildProducts.aiops,
            ["collect", "processes", "--duration", "3s", "--interval", "250ms", "--json"])
        // Let the tracer attach and take the first samples.
        usleep(700_000)
        let spinner = try startChild(BuildProducts.testChild, ["spin", "1500"])
        let (short, _) = try runTestChild(["exit", "42"])
        waitForExit(spinner.pid)
        #expect(collect.finish(timeout: 30) == 0, "stderr: \(collect.standardError)")
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(collect.standardOutput.utf8)) as? [String: Any])
        let processes = try #require(document["processes"] as? [[String: Any]])
        let spinning = try #require(processes.first { $0["pid"] as? Int == Int(spinner.pid) })
        // Spinning for 1.5 s of a sampled stretch: most of one CPU while it was sampled.
        #expect(((spinning["window_cpu_percent"] as? Double) ?? 0) > 50, "\(spinning)")
        let exits = try #require(document["exited"] as? [[String: Any]])
        let shortExit = try #require(exits.first { $0["pid"] as? Int == Int(short.pid) })
        #expect(shortExit["exit_code"] as? Int == 42)
        #expect((document["started"] as? Int ?? 0) >= 2)
        #expect(document["backend"] as? String == "bpf")
    }

    @Test("sorting, --top and CSV")
    func sortTopCSV() throws {
        let top = try runCommand(
            BuildProducts.aiops, ["collect", "processes", "--sort", "rss", "--top", "3", "--csv"])
        #expect(top.status == 0)
        let lines = top.outputLines
        #expect(lines.count == 4)
        #expect(
            lines.first
                == "user,pid,ppid,cpu_percent,mem_percent,vsz_kb,rss_kb,tty,stat,start,time,threads,unit,command"
        )
        let rss = lines.dropFirst().compactMap { line in Int(line.split(separator: ",")[6]) }
        #expect(rss == rss.sorted(by: >))
    }

    @Test("a hostile process name is escaped in the table, kept exact in JSON")
    func hostileName() throws {
        // "x" ESC "[2J" BEL "y"
        let child = try startChild(BuildProducts.testChild, ["rename", "781b5b324a0779", "3000"])
        defer {
            kill(child.pid, SIGKILL)
            waitForExit(child.pid)
        }
        usleep(200_000)
        let table = try runCommand(BuildProducts.aiops, ["collect", "processes"])
        #expect(table.status == 0)
        #expect(!table.standardOutput.contains("\u{1B}"))
        #expect(!table.standardOutput.contains("\u{07}"))
        let json = try runCommand(BuildProducts.aiops, ["collect", "processes", "--json"])
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        let processes = try #require(document["processes"] as? [[String: Any]])
        let renamed = try #require(processes.first { $0["pid"] as? Int == Int(child.pid) })
        #expect(renamed["comm"] as? String == "x\u{1B}[2J\u{07}y")
    }

    @Test(
        "argument errors exit 2",
        arguments: [
            ["--sort", "size"], ["--top", "0"], ["--top", "-3"], ["--json", "--csv"],
            ["--duration", "1s", "--interval", "5s"],
            ["--duration", "0"], ["--interval", "abc"], ["--backend", "ebpf"],
        ])
    func usageErrors(arguments: [String]) throws {
        let result = try runCommand(BuildProducts.aiops, ["collect", "processes"] + arguments)
        #expect(result.status == 2, "\(arguments): \(result.standardError)")
    }
}
