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
        // Interleaved: ours, ps, ours, ps, ours. A process's state is instantaneous and busy
        // machines change between reads, so a field is judged only where it stood still for
        // both tools; there, the two must agree exactly (or within the stated tolerance).
        let first = try snapshot()
        let oracle = try ps()
        let second = try snapshot()
        let oracleAgain = try ps()
        let third = try snapshot()

        // The same set: every pid ps saw in both its runs is in our middle snapshot, and every
        // pid in all our snapshots is in ps.
        let steadyForPs = Set(oracle.keys).intersection(oracleAgain.keys)
        let steadyForUs = Set(first.keys).intersection(second.keys).intersection(third.keys)
        let missing = steadyForPs.subtracting(second.keys)
        let extra = steadyForUs.subtracting(oracle.keys)
        #expect(
            Double(missing.count + extra.count) <= Double(oracle.count) * 0.01 + 1,
            "missing \(missing), extra \(extra)")

        // This test process and its descendants (the other suites' tracers, daemons, labs and
        // children) start and end threads and run constantly while the five reads are taken:
        // their fields are judged on nothing but presence. Everything else on the machine is.
        var testTree: Set<Int> = [Int(getpid())]
        var grew = true
        while grew {
            let before = testTree.count
            for (pid, row) in first where (row["ppid"] as? Int).map(testTree.contains) == true {
                testTree.insert(pid)
            }
            grew = testTree.count > before
        }

        var compared = 0
        var judged = 0
        var wrong: [String] = []
        for (pid, line) in oracle where !testTree.contains(pid) {
            guard let again = oracleAgain[pid], let a = first[pid], let b = second[pid], let c = third[pid],
                a["start_time"] as? String == c["start_time"] as? String
            else { continue }
            compared += 1
            func ours<T: Equatable>(_ key: String, as type: T.Type) -> T? {
                guard let value = a[key] as? T, value == b[key] as? T, value == c[key] as? T else {
                    return nil
                }
                return value
            }
            func exact<T: Equatable>(_ name: String, _ key: String, _ theirs: T, _ theirsAgain: T) {
                guard theirs == theirsAgain, let value = ours(key, as: T.self) else { return }
                judged += 1
                if value != theirs { wrong.append("\(pid) \(name): ours \(value), ps \(theirs)") }
            }
            func close(
                _ name: String, _ key: String, _ theirs: Double, _ theirsAgain: Double, percent: Double,
                slack: Double
            ) {
                let value = ours(key, as: Double.self) ?? ours(key, as: Int.self).map(Double.init)
                guard theirs == theirsAgain, let value else { return }
                judged += 1
                // The epsilon: 32.5 - 32.4 is 0.10000000000000142 in binary, one tenth all the same.
                if abs(value - theirs) > max(slack, abs(theirs) * percent / 100) + 1e-9 {
                    wrong.append("\(pid) \(name): ours \(value), ps \(theirs)")
                }
            }
            // R and S are a moment's truth: a process that ran during the comparison (its CPU time
            // moved) can be caught running by ps and sleeping by us, each time. Judged on the rest.
            let ranMeanwhile = "\(a["cpu_time_s"] ?? "")" != "\(c["cpu_time_s"] ?? "")"
            if !ranMeanwhile {
                exact("state", "state", String(line.stat.prefix(1)), String(again.stat.prefix(1)))
                exact("stat", "stat", line.stat, again.stat)
            }
            exact("user", "user", line.user, again.user)
            exact("tty", "tty", line.tty, again.tty)
            exact("threads", "threads", line.threads, again.threads)
            close("vsz", "vsz_kb", Double(line.vsz), Double(again.vsz), percent: 5, slack: 8)
            close("rss", "rss_kb", Double(line.rss), Double(again.rss), percent: 5, slack: 8)
            close(
                "cpu time", "cpu_time_s", Double(line.cpuSeconds), Double(again.cpuSeconds), percent: 5,
                slack: 1)
            // %CPU and %MEM as ps computes them: to the tenth, give or take one when a read
            // straddles a clock tick. From 100% on ps prints whole percents ("131" for 131.8).
            let pcpu = Double(line.pcpu) ?? -9
            close(
                "%cpu", "cpu_percent", pcpu, Double(again.pcpu) ?? -9, percent: 0,
                slack: pcpu >= 100 ? 1 : 0.1)
            close(
                "%mem", "mem_percent", Double(line.pmem) ?? -9, Double(again.pmem) ?? -9, percent: 0,
                slack: 0.1)
        }
        #expect(compared > 20, "too few processes compared")
        // Most fields of most processes are steady: the check must not have judged nothing.
        #expect(judged > compared * 5, "only \(judged) fields judged over \(compared) processes")
        #expect(wrong.isEmpty, "\(wrong.count) fields differ: \(wrong.prefix(10))")
    }
}

@Suite("collect processes")
struct CollectProcessesTests {
    @Test("--duration samples CPU used in the window and lists short-lived exits with their status")
    func window() throws {
        let collect = try RunningCommand(
            BuildProducts.aiops,
            ["collect", "processes", "--duration", "15s", "--interval", "250ms", "--json"])
        // The children start once the tracer is attached, so their exits are in the window; a
        // window of 15 s, not 4, because on a loaded machine starting the children and python
        // alone can take seconds, and each must be sampled at least twice.
        #expect(waitUntil { hasAttachedBPF(collect.pid) }, "never attached: \(collect.standardError)")
        // Then the first round of samples, which nothing outside shows the end of: a child
        // started while it reads every process (slow on a loaded machine) may be missed by it and
        // gone before the next. A second covers it; the long window covers a late start.
        usleep(1_000_000)
        let spinner = try startChild(BuildProducts.testChild, ["spin", "1500"])
        let sleeper = try startChild(BuildProducts.testChild, ["linger", "1500", "0"])
        let directory = TemporaryDirectory()
        // Sampled before and after it writes 8 MiB through write(2).
        let writer = try startChild(
            "/usr/bin/python3",
            [
                "-c",
                "import time; time.sleep(0.8); f = open('\(directory.file("out"))', 'wb'); "
                    + "f.write(b'x' * (8 << 20)); f.close(); time.sleep(1.0)",
            ])
        let (short, _) = try runTestChild(["exit", "42"])
        // What the spinner really got (rusage): on a loaded machine far less than a whole core.
        var status: Int32 = 0
        var usage = rusage()
        #expect(wait4(spinner.pid, &status, 0, &usage) == spinner.pid)
        let spinnerCPU =
            Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        waitForExit(sleeper.pid)
        waitForExit(writer.pid)
        #expect(collect.finish() == 0, "stderr: \(collect.standardError)")
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(collect.standardOutput.utf8)) as? [String: Any])
        let processes = try #require(document["processes"] as? [[String: Any]])
        func windowCPU(_ child: Child) throws -> Double {
            let process = try #require(processes.first { $0["pid"] as? Int == Int(child.pid) })
            return try #require(process["window_cpu_percent"] as? Double)
        }
        // Measured over the window, not the lifetime: a spinning child and an idle one sampled
        // side by side are far apart, however loaded the machine is.
        let busy = try windowCPU(spinner)
        let idle = try windowCPU(sleeper)
        // It spun for 1.5 s of wall time: its share of a CPU over its life, which the window's
        // samples (250 ms apart) see with an error of a sample or two at either end.
        let truth = spinnerCPU / 1.5 * 100
        #expect(truth > 5, "the spinner hardly ran: \(spinnerCPU) s of CPU")
        #expect(
            busy > truth * 0.6 && busy < truth * 1.5 + 5, "spinning child at \(busy)%, rusage says \(truth)%")
        #expect(idle < 5, "sleeping child at \(idle)%")
        let written = try #require(processes.first { $0["pid"] as? Int == Int(writer.pid) })
        let writtenChars = try #require(written["window_write_chars"] as? Int, "\(written)")
        #expect(writtenChars >= 8 << 20 && writtenChars < 9 << 20, "wrote \(writtenChars)")
        #expect(written["window_write_bytes"] is Int)
        let exits = try #require(document["exited"] as? [[String: Any]])
        let shortExit = try #require(exits.first { $0["pid"] as? Int == Int(short.pid) })
        #expect(shortExit["exit_code"] as? Int == 42)
        #expect((document["started"] as? Int ?? 0) >= 3)
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
        #expect(waitUntil { processName(child.pid) == "x\u{1B}[2J\u{07}y" })
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
