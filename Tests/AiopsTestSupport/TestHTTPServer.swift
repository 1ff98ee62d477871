import Foundation
import Synchronization

/// A tiny HTTP/1.1 server on 127.0.0.1 and an ephemeral port, enough to receive the webhook's
/// POSTs: it answers each request with the next status of its script, or — as a webhook that
/// hangs — accepts connections and never says a word.
public final class TestHTTPServer: @unchecked Sendable {
    public enum Behaviour: Sendable {
        /// Answers with these statuses in turn; the last one repeats.
        case respond([Int])
        /// Accepts, reads nothing, answers nothing.
        case silent
    }

    public struct Request: Sendable {
        public var requestLine: String
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    public let port: UInt16
    private let listener: Int32
    private let behaviour: Behaviour
    private let state = Mutex<(requests: [Request], held: [Int32], answered: Int)>(([], [], 0))

    public init(_ behaviour: Behaviour) throws {
        self.behaviour = behaviour
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        listener = fd
        port = boundPort(fd)
        // The thread keeps the server alive until stop() makes accept() fail.
        Thread { [self] in acceptLoop(fd) }.start()
    }

    public var requests: [Request] { state.withLock { $0.requests } }
    /// Connections accepted and held open (silent mode).
    public var heldConnections: Int { state.withLock { $0.held.count } }
    public var url: String { "http://127.0.0.1:\(port)/hooks/aiops?token=secret" }

    public func stop() {
        shutdown(listener, Int32(SHUT_RDWR))  // wakes accept()
        close(listener)
        state.withLock { state in
            state.held.forEach { close($0) }
            state.held.removeAll()
        }
    }

    private func acceptLoop(_ listener: Int32) {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            switch behaviour {
            case .silent:
                state.withLock { $0.held.append(connection) }
            case .respond(let statuses):
                var timeout = timeval(tv_sec: 5, tv_usec: 0)
                setsockopt(
                    connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                if let request = readRequest(connection), !request.requestLine.isEmpty {
                    let status = state.withLock { state in
                        state.requests.append(request)
                        state.answered += 1
                        return statuses[min(state.answered, statuses.count) - 1]
                    }
                    let response =
                        "HTTP/1.1 \(status) Test\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                    _ = Array(response.utf8).withUnsafeBytes {
                        send(connection, $0.baseAddress!, $0.count, 0)
                    }
                } else {
                    // Not HTTP (a TLS ClientHello): answer as a plain HTTP server would.
                    let response =
                        "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    _ = Array(response.utf8).withUnsafeBytes {
                        send(connection, $0.baseAddress!, $0.count, 0)
                    }
                }
                close(connection)
            }
        }
    }

    private func readRequest(_ connection: Int32) -> Request? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headerEnd: Int?
        var expected = Int.max
        while data.count < expected {
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress!, $0.count, 0) }
            guard count > 0 else { return nil }
            data += buffer[0..<count]
            if let first = data.first, !(UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first) {
                return Request(requestLine: "", headers: [], body: data)
            }
            if headerEnd == nil, let range = data.firstRange(of: separator) {
                headerEnd = range.upperBound
                let head = String(decoding: data[..<range.lowerBound], as: UTF8.self)
                let length =
                    head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .map { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0 } ?? 0
                expected = range.upperBound + length
            }
        }
        guard let headerEnd else { return nil }
        let lines = String(decoding: data[..<(headerEnd - 4)], as: UTF8.self).components(separatedBy: "\r\n")
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (
                String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            )
        }
        return Request(requestLine: lines[0], headers: headers, body: Array(data[headerEnd...]))
    }

    /// A port on 127.0.0.1 nobody listens on (bound, then released).
    public static func closedPort() -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: 0)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return boundPort(fd)
    }
}

private func loopback(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr = in_addr(s_addr: inet_addr("127.0.0.1"))
    return address
}

private func boundPort(_ fd: Int32) -> UInt16 {
    var address = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return UInt16(bigEndian: address.sin_port)
}
