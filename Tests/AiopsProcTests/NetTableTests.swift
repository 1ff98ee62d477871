import AiopsProc
import Testing

@Suite("/proc/net tables")
struct NetTableTests {
    @Test("tcp: listening and established IPv4 sockets, ports and inodes")
    func tcp() throws {
        let sockets = InternetSocketTable.parse(ResourceFixtures.tcp, transport: .tcp)
        #expect(sockets.count == 5)
        let listener = try #require(sockets.first { $0.inode == 8_350_885 })
        #expect(listener.isListening)
        #expect(listener.stateName == "LISTEN")
        #expect(listener.localAddress.description == "127.0.0.1")
        #expect(listener.localPort == 47143)
        #expect(listener.remoteAddress.isUnspecified)
        #expect(listener.protocolName == "tcp")
        let connection = try #require(sockets.first { $0.inode == 8_350_887 })
        #expect(connection.isEstablished)
        #expect(connection.stateName == "ESTABLISHED")
        #expect(connection.localAddress.endpoint(port: connection.localPort) == "127.0.0.1:47143")
        #expect(connection.remoteAddress.endpoint(port: connection.remotePort) == "127.0.0.1:60690")
        #expect(sockets[0].localAddress.description == "0.0.0.0")
        #expect(sockets[0].localPort == 2024)
    }

    @Test("tcp6: each 32-bit word is host order — fd00::2, ::, and a v4-mapped peer")
    func tcp6() throws {
        let sockets = InternetSocketTable.parse(ResourceFixtures.tcp6, transport: .tcp)
        #expect(sockets.count == 5)
        let listener = try #require(sockets.first { $0.inode == 8_350_879 })
        #expect(listener.localAddress.description == "fd00::2")
        #expect(listener.localAddress.bytes == [0xFD, 0] + Array(repeating: 0, count: 13) + [2])
        #expect(listener.localAddress.endpoint(port: listener.localPort) == "[fd00::2]:47141")
        #expect(listener.protocolName == "tcp6")
        let any = try #require(sockets.first { $0.inode == 8_350_882 })
        #expect(any.localAddress.description == "::")
        #expect(any.isListening)
        let mapped = try #require(sockets.first { $0.inode == 8_350_884 })
        #expect(mapped.localAddress.description == "::ffff:127.0.0.1")
        #expect(mapped.remoteAddress.endpoint(port: mapped.remotePort) == "[::ffff:127.0.0.1]:58036")
        #expect(mapped.isEstablished)
    }

    @Test("udp: connected and unconnected sockets")
    func udp() throws {
        let v4 = InternetSocketTable.parse(ResourceFixtures.udp, transport: .udp)
        let connected = try #require(v4.first)
        #expect(connected.stateName == "ESTABLISHED")
        #expect(connected.remoteAddress.endpoint(port: connected.remotePort) == "127.0.0.1:53")
        #expect(!connected.isUnconnectedUDP)
        let v6 = InternetSocketTable.parse(ResourceFixtures.udp6, transport: .udp)
        let bound = try #require(v6.first)
        #expect(bound.isUnconnectedUDP)
        #expect(bound.stateName == "UNCONNECTED")
        #expect(bound.localPort == 47144)
        #expect(bound.protocolName == "udp6")
        #expect(!bound.isListening)  // UDP never listens; unconnected is its "accepting" form
    }

    @Test("unix: listening stream path, abstract datagram, unbound connected")
    func unix() throws {
        let sockets = UnixSocketTable.parse(ResourceFixtures.unix)
        #expect(sockets.count == 4)
        let listener = try #require(sockets.first { $0.inode == 8_350_890 })
        #expect(listener.isListening)
        #expect(listener.kind == .stream)
        #expect(listener.path == "/tmp/wtres-cap/app.sock")
        let abstract = try #require(sockets.first { $0.inode == 8_350_891 })
        #expect(abstract.kind == .datagram)
        #expect(abstract.path == "@aiops-abstract")
        let connected = try #require(sockets.first { $0.inode == 1204 })
        #expect(connected.isConnected)
        #expect(connected.path == nil)
    }

    @Test("unix: a path with spaces stays whole; a path with a newline cannot forge an entry twice")
    func hostileUnixPaths() throws {
        let text =
            "Num       RefCount Protocol Flags    Type St Inode Path\n"
            + "0000000000000001: 00000002 00000000 00010000 0001 01 500 /run/my app/s ock\n"
            + "0000000000000002: 00000002 00000000 00010000 0001 01 501 /tmp/x\n"
            + "0000000000000003: 00000002 00000000 00010000 0001 01 500 /forged\n"
            + "0000000000000004: 00000002 00000000 00010000 0001 01 502 \u{1B}]0;evil\u{07}\n"
            + "garbage: 1 2 3\n"
            + "0000000000000005: 00000002 00000000 00010000 0001 01 503 /cut"
        let sockets = UnixSocketTable.parse(Array(text.utf8))
        #expect(sockets.map(\.inode) == [500, 501, 502])
        #expect(sockets[0].path == "/run/my app/s ock")
        #expect(sockets[2].path?.terminalSafe == "\\e]0;evil\\x07")
    }

    @Test("IPv6 text follows RFC 5952: longest zero run compressed, first on a tie, none for one group")
    func ipv6Text() {
        func address(_ groups: [UInt16]) -> String {
            IPAddress(bytes: groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }).description
        }
        #expect(address([0, 0, 0, 0, 0, 0, 0, 1]) == "::1")
        #expect(address([0, 0, 0, 0, 0, 0, 0, 0]) == "::")
        #expect(address([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1]) == "2001:db8::1:0:0:1")
        #expect(address([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1]) == "2001:db8:0:1:1:1:1:1")
        #expect(address([0x2001, 0, 0, 1, 0, 0, 0, 1]) == "2001:0:0:1::1")
        #expect(address([0xfe80, 0, 0, 0, 0xfc, 0xff, 0xfe00, 1]) == "fe80::fc:ff:fe00:1")
        #expect(IPAddress(bytes: [1, 2, 3]).description == "?")
    }

    @Test("hostile and cut lines are skipped, never trapped on")
    func hostileLines() {
        let lines = [
            "   0: 0100007F:B813 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77 1",
            "   1: 0100007G:B813 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 78 1",
            "   2: 0100007F:B813 00000000000000000000000000000000:0000 0A 00:00 00:0 0 0 0 79",
            "   3: 0100007F:1B813 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 80",
            "   4: 0100007F:B813 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 99999999999999999999",
            "   5: 0100007F:B813 00000000:0000 0AA 00000000:00000000 00:00000000 00000000 0 0 81",
            "x: 0100007F:B813 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 82",
            ":",
            "",
            "   6: 0100007F:B813 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 83",
        ]
        let text = Array(lines.joined(separator: "\n").utf8)  // the last line has no newline: cut
        #expect(InternetSocketTable.parse(text, transport: .tcp).map(\.inode) == [77])
        #expect(InternetSocketTable.parse([], transport: .udp).isEmpty)
    }
}
