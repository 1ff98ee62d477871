#if canImport(Glibc)
    import Glibc
#endif

/// Buffered output to a file descriptor. Writes happen on `flush()`, once per batch of events,
/// so a storm costs one write(2) per batch rather than one per line. A closed reader
/// (`aiops trace | head -1`) is reported through `isBroken` instead of killing the process with
/// SIGPIPE, so the trace can stop quietly.
public final class OutputSink {
    public let fd: Int32
    private var buffer: [UInt8] = []
    public private(set) var isBroken = false

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

    /// Writes everything buffered. Returns false once the reader has gone away.
    @discardableResult
    public func flush() -> Bool {
        defer { buffer.removeAll(keepingCapacity: true) }
        guard !isBroken else { return false }
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                isBroken = true  // EPIPE and friends: nobody is reading any more
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
