import AiopsCore
import AiopsProc
import AiopsTrace

/// Resolves what `--unit` points at, before anything is traced, with messages that explain the
/// odd cases (`--pid` is ProcessTarget's).
enum TraceTargets {
    static func cgroupHierarchy() throws(AiopsError) -> CgroupHierarchy {
        guard let hierarchy = CgroupHierarchy() else {
            throw AiopsError(
                .unavailable, "no cgroup v2 hierarchy is mounted, so units cannot be told apart by cgroup",
                hint: "mount cgroup2, or filter with --comm or --pid")
        }
        return hierarchy
    }
}
