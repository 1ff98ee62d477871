import AiopsAnalyze
import AiopsCore
import AiopsProc
import AiopsRender

/// `collect processes` without --duration: one snapshot, as a table, JSON or CSV.
struct CollectSnapshotReport {
    struct Snapshot {
        var facts: SystemFacts
        var samples: [ProcessSample]
        var unixSeconds: Int64
        var time: BootInstant
    }

    let options: CollectOptions

    static func takeSnapshot() -> Snapshot {
        let facts = SystemFacts.read()
        let time = BootInstant.now()
        return Snapshot(
            facts: facts, samples: ProcessSampler().sampleAll(), unixSeconds: unixNow(), time: time)
    }

    func print(samples snapshot: Snapshot) throws(AiopsError) {
        let builder = ProcessRowBuilder(facts: snapshot.facts, nowUnixSeconds: snapshot.unixSeconds)
        let rows = snapshot.samples.map(builder.row).ordered(by: options.sort, top: options.top)
        switch options.format {
        case .table:
            try ReportOutput.writeLines { style in ProcessTableLayout.lines(rows, window: false, style: style)
            }
        case .json:
            var json = JSONWriter(reservingCapacity: 1 << 16)
            json.beginObject()
            json.field("schema", "aiops.collect/1")
            ProcessJSON.writeHeader(facts: snapshot.facts, time: snapshot.time, into: &json)
            json.key("processes")
            json.beginArray()
            for row in rows { ProcessJSON.write(row, into: &json) }
            json.endArray()
            json.endObject()
            try ReportOutput.writeJSON(json.bytes)
        case .csv:
            try ReportOutput.writeLines { _ in ProcessCSV.lines(rows) }
        }
    }
}

/// The table columns of `collect processes`: ps aux's, plus PPID, threads and the unit.
enum ProcessTableLayout {
    static func lines(_ rows: [ProcessRow], window: Bool, style: TerminalStyle) -> [String] {
        var columns: [TextTable.Column] = [
            .init("USER"), .init("PID", .right), .init("PPID", .right),
            .init(window ? "%CPU(win)" : "%CPU", .right),
            .init("%MEM", .right), .init("VSZ", .right), .init(window ? "PEAK-RSS" : "RSS", .right),
        ]
        // Over a window: what each process read from and wrote to storage meanwhile.
        if window { columns.append(.init("DISK-R/W", .right)) }
        columns += [
            .init("TTY"), .init("STAT"), .init("START"), .init("TIME", .right), .init("THR", .right),
            .init("UNIT"), .init("COMMAND"),
        ]
        var table = TextTable(columns)
        for row in rows {
            let cpu =
                window
                ? row.windowCPUPercent.map { formatPercent($0) } ?? "-"
                : PsColumns.percent(fromPermille: row.cpuPermille)
            let rss = window ? (row.peakResidentKiB ?? row.residentKiB) : row.residentKiB
            var cells = [
                UntrustedText(row.user.utf8).terminalSafe, String(row.sample.pid),
                String(row.sample.stat.ppid), cpu,
                PsColumns.percent(fromPermille: row.memoryPermille), String(row.virtualKiB), String(rss),
            ]
            if window {
                cells.append(
                    row.windowIO.map {
                        QuantityText.bytes($0.storageReadBytes) + "/"
                            + QuantityText.bytes($0.storageWriteBytes)
                    } ?? "-")
            }
            cells += [
                row.tty, row.stat, row.start, row.cpuTime, String(row.sample.stat.threads),
                row.sample.unit ?? "-",
                commandText(row.sample),
            ]
            table.append(cells)
        }
        return table.lines(style: style)
    }

    static func commandText(_ sample: ProcessSample) -> String {
        let text = PsColumns.command(sample).map(\.terminalSafe).joined(separator: " ")
        return sample.argvTruncated ? text + " …" : text
    }

    static func formatPercent(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
