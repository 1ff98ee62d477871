import AiopsCore
import AiopsRender

/// Journal and systemd times are Unix microseconds; the renderers take boot-clock instants with
/// a wall clock. A zero offset makes the instant *be* the Unix time, so both views agree.
public enum UnixTimeText {
    private static let identity = WallClock(offsetNanoseconds: 0)

    private static func instant(_ microseconds: Int64) -> BootInstant {
        BootInstant(nanoseconds: UInt64(max(microseconds, 0)) &* 1000)
    }

    /// "2026-11-25T05:56:48.816294Z".
    static func rfc3339(_ microseconds: Int64) -> String {
        var text = TimeText(clock: identity)
        return text.rfc3339(instant(microseconds))
    }

    /// "2026-11-25 05:56:48" local time.
    static func local(_ microseconds: Int64) -> String {
        localDateTimeText(instant(microseconds), clock: identity)
    }

    /// "05:56:48.816" local time, for timelines within a day.
    static func localClock(_ microseconds: Int64) -> String {
        var text = TimeText(clock: identity)
        return text.localClock(instant(microseconds))
    }

    /// The current time in Unix microseconds.
    public static func now() -> Int64 {
        WallClock.measure().unixNanoseconds(BootInstant.now()) / 1000
    }

    static func seconds(_ microseconds: Int64) -> Double { Double(microseconds) / 1e6 }
}
