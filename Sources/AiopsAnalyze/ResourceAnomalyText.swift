import AiopsCore

/// Builds the anomalies of one sample, with the line an operator reads: the value, what is
/// usual for this process and over how long — never a judgement the numbers do not carry.
struct ResourceAnomalyReport {
    let key: ProcessKey
    let time: BootInstant

    /// e.g. "CPU 97% of a core, baseline 3.0% over the last 4m50s".
    func spike(_ kind: ResourceAnomaly.Kind, current: Double, against baseline: SpikeBaseline.Spike)
        -> ResourceAnomaly
    {
        let text: String
        switch kind {
        case .cpuSpike:
            text = "CPU \(Self.cores(current)) of a core, baseline \(Self.cores(baseline.mean))"
        case .memorySpike:
            let (now, usual) = (QuantityText.bytes(current), QuantityText.bytes(baseline.mean))
            text = "resident memory \(now), baseline \(usual)"
        default:
            let (now, usual) = (QuantityText.byteRate(current), QuantityText.byteRate(baseline.mean))
            text = "disk IO \(now), baseline \(usual)"
        }
        return ResourceAnomaly(
            key: key, kind: kind, time: time, current: current, baseline: baseline.mean,
            baselineSamples: baseline.samples, baselineSeconds: baseline.seconds,
            summary: text + " over the last \(DurationText.format(seconds: baseline.seconds))")
    }

    /// e.g. "open files 312, growing 30 fds/min (± 1 fds), R² 0.99 over 290 s, 30 samples:
    /// likely a leak".
    func leak(
        _ resource: ResourceAnomaly.LeakResource, current: Double, mean: Double, analysis: GrowthAnalysis
    )
        -> ResourceAnomaly
    {
        let text: String
        switch resource {
        case .memory:
            text = "resident memory \(QuantityText.bytes(current)), " + analysis.summary(unit: .bytes)
        case .openFiles:
            text = "open files \(Int(current)), " + analysis.summary(unit: .count("fds"))
        case .threads:
            text = "threads \(Int(current)), " + analysis.summary(unit: .count("threads"))
        }
        return ResourceAnomaly(
            key: key, kind: .leak(resource), time: time, current: current, baseline: mean,
            baselineSamples: analysis.samples, baselineSeconds: analysis.windowSeconds, detail: analysis,
            summary: text)
    }

    /// Percent of one core: "97%", "3.0%", "250%".
    static func cores(_ percent: Double) -> String { QuantityText.percent(percent / 100) }
}
