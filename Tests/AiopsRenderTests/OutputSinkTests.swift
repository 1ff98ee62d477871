import AiopsRender
import Foundation
import Testing

@Suite("OutputSink and TerminalStyle")
struct OutputSinkTests {
    static func readAll(_ fd: Int32) -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if count <= 0 { break }
            result += buffer[0..<count]
        }
        return result
    }

    @Test("nothing is written before flush; flush writes everything in order, once")
    func buffering() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let sink = OutputSink(fd: fds[1])
        #expect(!sink.isTerminal)
        sink.write("a")
        sink.write([0x62, 0x00, 0xFF])
        sink.writeLine("line")
        var pending = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
        #expect(poll(&pending, 1, 0) == 0)
        #expect(sink.flush())
        #expect(sink.flush())  // an empty flush writes nothing
        close(fds[1])
        #expect(Self.readAll(fds[0]) == Array("ab".utf8) + [0x00, 0xFF] + Array("line\n".utf8))
    }

    @Test("a closed reader is reported as broken, without SIGPIPE killing us")
    func brokenPipe() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[1]) }
        close(fds[0])
        // Block SIGPIPE on this thread only, and consume the one the write raises: the test must
        // not change the process-wide disposition other tests and their children inherit.
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous)
        defer {
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1 {
                var noWait = timespec()
                _ = sigtimedwait(&pipeSignal, nil, &noWait)
            }
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }
        let sink = OutputSink(fd: fds[1])
        sink.writeLine("nobody reads this")
        #expect(!sink.isBroken)
        #expect(!sink.flush())
        #expect(sink.isBroken)
        sink.writeLine("nor this")
        #expect(!sink.flush())
    }

    @Test("a pseudo-terminal is a terminal")
    func terminal() throws {
        let master = PseudoTerminal.open(O_RDWR | O_NOCTTY)
        #expect(master >= 0)
        defer { close(master) }
        #expect(PseudoTerminal.grant(master) == 0 && PseudoTerminal.unlock(master) == 0)
        let name = String(cString: try #require(PseudoTerminal.name(master)))
        let slave = open(name, O_RDWR | O_NOCTTY)
        #expect(slave >= 0)
        defer { close(slave) }
        let sink = OutputSink(fd: slave)
        #expect(sink.isTerminal)
        let noColor = getenv("NO_COLOR").map { String(cString: $0) } ?? ""
        let term = getenv("TERM").map { String(cString: $0) }
        #expect(TerminalStyle.detect(for: sink).colors == (noColor.isEmpty && term != "dumb"))
        let null = open("/dev/null", O_WRONLY)
        defer { close(null) }
        #expect(!TerminalStyle.detect(for: OutputSink(fd: null)).colors)
    }

    @Test("paint wraps in SGR codes only when colours are on")
    func paint() {
        #expect(TerminalStyle(colors: true).paint("boom", .boldRed) == "\u{1B}[1;31mboom\u{1B}[0m")
        #expect(TerminalStyle(colors: true).paint("ok", .dim) == "\u{1B}[2mok\u{1B}[0m")
        #expect(TerminalStyle(colors: false).paint("boom", .boldRed) == "boom")
    }
}

/// glibc's pseudo-terminal calls, which the Glibc module hides behind _XOPEN_SOURCE.
enum PseudoTerminal {
    static func function<T>(_ name: String, as type: T.Type) -> T {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else {
            fatalError("no \(name) in libc")
        }
        return unsafeBitCast(symbol, to: type)
    }

    static let open = function("posix_openpt", as: (@convention(c) (Int32) -> Int32).self)
    static let grant = function("grantpt", as: (@convention(c) (Int32) -> Int32).self)
    static let unlock = function("unlockpt", as: (@convention(c) (Int32) -> Int32).self)
    static let name = function("ptsname", as: (@convention(c) (Int32) -> UnsafeMutablePointer<CChar>?).self)
}
