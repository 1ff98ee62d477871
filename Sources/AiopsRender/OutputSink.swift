#if canImport(Glibc)
    import Glibc
#endif

/// Buffered output to a file descriptor. Writes happen on `flush()`, once per batch of events,
/// so a storm costs one write(2) per batch rather than one per line. A closed reader
/// (`aiops trace | head -1`) is reported through `failure` instead of killing the process with
/// SIGPIPE, so the trace can stop quietly; any other write error is reported as one.
public final class OutputSink {
    public let fd: Int32
    private var buffer: [UInt8] = []
    /// Output has stopped: further writes are discarded.
    public var isBroken: Bool { failure != nil }

    public init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(64 * 1024)
    }

    public var isTerminal: Bool { isatty(fd) == 1 }

    public func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
    }

    public func write(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
    }

    /// Appends in place, without an intermediate copy (the per-event output paths).
    public func append(_ body: (inout [UInt8]) -> Void) {
        body(&buffer)
    }

    public var bufferedByteCount: Int { buffer.count }

    public func writeLine(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(10)
    }

    /// Why output stopped: the reader went away (`| head`: end quietly), or writing failed
    /// (disk full, closed descriptor: the operator must be told, and the exit code is not 0).
    public enum Failure: Equatable, Sendable {
        case readerGone
        case writeFailed(errno: Int32)
    }

    public private(set) var failure: Failure?

    /// Writes everything buffered. Returns false once output has stopped (see `failure`).
    @discardableResult
    public func flush() -> Bool {
        defer { buffer.removeAll(keepingCapacity: true) }
        guard failure == nil else { return false }
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                switch errno {
                case EINTR: continue
                case EAGAIN:
                    // A non-blocking descriptor that is full: wait until it can take more.
                    var waiting = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&waiting, 1, 1000)
                    continue
                case EPIPE: failure = .readerGone
                default: failure = .writeFailed(errno: errno)
                }
                return false
            }
            offset += written
        }
        return true
    }
}

/// Whether to colour: only on a terminal, never with NO_COLOR set (https://no-color.org) or
/// TERM=dumb.
public struct TerminalStyle: Sendable {
    public let colors: Bool

    public init(colors: Bool) {
        self.colors = colors
    }

    public static func detect(for sink: OutputSink) -> TerminalStyle {
        let noColor = getenv("NO_COLOR").map { String(cString: $0) }
        let term = getenv("TERM").map { String(cString: $0) }
        return TerminalStyle(colors: sink.isTerminal && (noColor ?? "").isEmpty && term != "dumb")
    }

    public enum Tone: String, Sendable {
        case red = "31"
        case boldRed = "1;31"
        case yellow = "33"
        case green = "32"
        case dim = "2"
        case bold = "1"
        case cyan = "36"
    }

    /// The escape sequence that starts `tone`.
    func start(_ tone: Tone) -> [UInt8] {
        Array("\u{1B}[\(tone.rawValue)m".utf8)
    }

    static let reset: StaticString = "\u{1B}[0m"

    public func paint(_ text: String, _ tone: Tone) -> String {
        colors ? "\u{1B}[\(tone.rawValue)m\(text)\u{1B}[0m" : text
    }
}
