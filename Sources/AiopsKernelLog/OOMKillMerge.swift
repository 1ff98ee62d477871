import AiopsCore

/// One list of OOM kills from the two places the kernel log is read: the /dev/kmsg ring (the
/// recent past) and the journal's copy (the whole period). A kill still in the ring is in the
/// journal too; it must count once.
public enum OOMKillMerge {
    /// How far apart the two records of one kill may be. The ring's time is the kernel's stamp
    /// converted with today's boot-to-wall offset, the journal's is journald's receipt time: they
    /// drift apart (seconds after days of uptime: the printk clock is not NTP-disciplined). A pid is OOM-killed once (it dies),
    /// and the same pid being killed again in the same cgroup within a minute would need the
    /// whole pid space to wrap in between.
    public static let sameKillWindowMicroseconds: Int64 = 60_000_000

    /// Both lists as one, oldest first: a kill in both (same pid, same task cgroup, close in
    /// time) keeps the journal's time — stamped by the journald that stamped systemd's entries
    /// it is matched to — and takes the ring's figures where the journal's copy lacks them.
    public static func merge(ring: [KernelOOMKill], journal: [KernelOOMKill]) -> [KernelOOMKill] {
        var merged = journal
        var used = Set<Int>()
        for kill in ring {
            let match = journal.indices.filter { index in
                !used.contains(index) && merged[index].pid == kill.pid
                    && merged[index].taskCgroup == kill.taskCgroup
                    && abs(merged[index].time - kill.time) <= sameKillWindowMicroseconds
            }.min { abs(merged[$0].time - kill.time) < abs(merged[$1].time - kill.time) }
            guard let index = match else {
                merged.append(kill)
                continue
            }
            used.insert(index)
            merged[index].anonymousResidentKB = merged[index].anonymousResidentKB ?? kill.anonymousResidentKB
            merged[index].totalVirtualKB = merged[index].totalVirtualKB ?? kill.totalVirtualKB
            merged[index].limitCgroup = merged[index].limitCgroup ?? kill.limitCgroup
        }
        return merged.sorted { $0.time < $1.time }
    }
}
