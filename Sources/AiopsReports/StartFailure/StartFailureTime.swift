import AiopsCore

/// Journal times (Unix microseconds) on the boot clock the report helpers format.
func bootInstant(unixMicroseconds: Int64, clock: WallClock) -> BootInstant {
    let nanoseconds = unixMicroseconds &* 1000 &- clock.offsetNanoseconds
    return BootInstant(nanoseconds: UInt64(max(nanoseconds, 0)))
}
