import AiopsCore
import AiopsPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// Reads what the kernel ring buffer still holds from /dev/kmsg, without blocking: OOM kills
/// for the restart analysis. Needs root where kernel.dmesg_restrict=1; on failure the reason is
/// returned, never an empty "no OOM kills" that would be a lie.
public struct KernelLogReader: Sendable {
    public enum Outcome: Sendable {
        case read(kills: [KernelOOMKill], records: Int, lostRecords: Int)
        case unavailable(String)
    }

    public var path: String

    public init(path: String = "/dev/kmsg") {
        self.path = path
    }

    /// OOM kills logged at or after `since` (Unix µs). Kernel stamps are microseconds since
    /// boot; they become wall time through the current CLOCK_REALTIME − CLOCK_MONOTONIC offset.
    public func oomKills(since: Int64) -> Outcome {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let reason =
                errno == EACCES || errno == EPERM
                ? "permission denied (root needed)" : ErrnoText.message(errno)
            return .unavailable("cannot read \(path): \(reason)")
        }
        defer { close(fd) }
        let offset = realtimeMinusMonotonicMicroseconds()
        var parser = OOMKillParser()
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var records = 0
        var lost = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE {  // overwritten before we read it: count it and go on
                    lost += 1
                    continue
                }
                break  // EAGAIN: everything there was has been read
            }
            if count == 0 { break }
            guard let record = KmsgRecord.parse(buffer[0..<count]), record.isFromKernel else { continue }
            records += 1
            let time = record.bootMicroseconds + offset
            if time >= since { parser.add(record.message, time: time) }
        }
        return .read(kills: parser.kills, records: records, lostRecords: lost)
    }

    private func realtimeMinusMonotonicMicroseconds() -> Int64 {
        var realtime = timespec()
        var monotonic = timespec()
        clock_gettime(CLOCK_MONOTONIC, &monotonic)
        clock_gettime(CLOCK_REALTIME, &realtime)
        let real = Int64(realtime.tv_sec) * 1_000_000 + Int64(realtime.tv_nsec) / 1000
        let mono = Int64(monotonic.tv_sec) * 1_000_000 + Int64(monotonic.tv_nsec) / 1000
        return real - mono
    }
}
