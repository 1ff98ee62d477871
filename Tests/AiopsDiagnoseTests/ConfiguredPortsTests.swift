import AiopsTestSupport
import XCTest

@testable import AiopsDiagnose

final class ConfiguredPortsTests: XCTestCase {
    func testCommandLineOptions() {
        func ports(_ line: String) -> [UInt16] {
            CommandLinePorts.find(in: line.split(separator: " ").map(String.init)).map(\.port)
        }
        XCTAssertEqual(ports("/usr/bin/app --port 8089"), [8089])
        XCTAssertEqual(ports("/usr/bin/app --port=8090 -v"), [8090])
        XCTAssertEqual(ports("/usr/bin/app -p8091"), [8091])
        XCTAssertEqual(ports("/usr/bin/app -p 8092"), [8092])
        XCTAssertEqual(ports("/usr/sbin/nginx -p /srv/prefix"), [], "nginx -p is a prefix path, not a port")
        XCTAssertEqual(ports("/usr/bin/app --listen 127.0.0.1:9000"), [9000])
        XCTAssertEqual(ports("/usr/bin/app --bind=[::1]:9001"), [9001])
        XCTAssertEqual(ports("/usr/bin/app serve :9002"), [9002])
        XCTAssertEqual(ports("/usr/bin/app --threads 4 --timeout 30"), [])
    }

    func testAddressIsKept() {
        let found = CommandLinePorts.find(in: ["/usr/bin/app", "--listen", "127.0.0.1:9000"])
        XCTAssertEqual(found.first?.address, "127.0.0.1")
        XCTAssertEqual(CommandLinePorts.find(in: ["/usr/bin/app", "--listen", "*:9000"]).first?.address, nil)
    }

    func testPythonHTTPServer() {
        let explicit = CommandLinePorts.find(in: [
            "/usr/bin/python3", "-m", "http.server", "8089", "--bind", "127.0.0.1",
        ])
        XCTAssertEqual(explicit.map(\.port), [8089])
        let bound = CommandLinePorts.find(in: [
            "/usr/bin/python3", "-m", "http.server", "--bind", "127.0.0.1", "8089",
        ])
        XCTAssertEqual(bound.first?.address, "127.0.0.1")
        let implicit = CommandLinePorts.find(in: ["/usr/bin/python3", "-m", "http.server"])
        XCTAssertEqual(implicit.map(\.port), [8000], "http.server's default port")
    }

    func testEndpoints() {
        XCTAssertEqual(Endpoint.parse("80"), Endpoint(address: nil, port: 80))
        XCTAssertEqual(Endpoint.parse("[::]:443"), Endpoint(address: "::", port: 443))
        XCTAssertEqual(Endpoint.parse("*:80"), Endpoint(address: nil, port: 80))
        XCTAssertEqual(Endpoint.parse("localhost:8080"), Endpoint(address: "localhost", port: 8080))
        XCTAssertNil(Endpoint.parse("::1"))
        XCTAssertNil(Endpoint.parse("unix:/run/x.sock"))
        XCTAssertNil(Endpoint.parse("host:99999"))
    }

    func testEnvironmentPorts() {
        let ports = ServicePorts.environmentPorts([
            "PORT=8089", "HTTP_PORT=80", "DEBUG=1", "PORT=abc", "SUPPORT",
        ])
        XCTAssertEqual(ports.map(\.port), [8089, 80])
        XCTAssertEqual(ports.first?.source, "Environment PORT=8089")
    }

    func testSocketUnitListen() {
        let ports = SocketUnitPorts.find(
            listen: ["[::]:8089 (Stream)", "/run/web.sock (Stream)", "0.0.0.0:53 (Datagram)"],
            socketUnit: "web.socket")
        XCTAssertEqual(ports.map(\.port), [8089, 53])
        XCTAssertEqual(ports.first?.source, "web.socket ListenStream [::]:8089")
        XCTAssertEqual(ports.first?.socket, SocketOrigin(unit: "web.socket", directive: "ListenStream"))
        XCTAssertEqual(ports.first?.address, "::")
        XCTAssertEqual(ports.last?.socket?.directive, "ListenDatagram")
    }

    /// Every kind of Listen= value systemd 252 printed in the lab (`systemctl show -p Listen`),
    /// and values no systemd prints: only the IP ones have a port, nothing else is guessed at.
    func testSocketUnitListenKeepsOnlyIPPorts() {
        let printed = [
            "@abstract:8095 (Stream)", "vsock:2:1234 (Stream)", "/run/odd.seq (SequentialPacket)",
            "/dev/null (Special)", "/oddq (MessageQueue)", "/run/foo.fifo (FIFO)", "route 0 (Netlink)",
            "127.0.0.1:8096 (Stream)", "[::]:8098 (Datagram)",
        ]
        let found = SocketUnitPorts.find(listen: printed, socketUnit: "odd.socket")
        XCTAssertEqual(found.map(\.port), [8096, 8098])
        XCTAssertEqual(found.map(\.address), ["127.0.0.1", "::"])
        let hostile = [
            "", "(Stream)", " (Stream)", "8080 (Stream)", "[::]:8080", "[::]:8080 (Stream", "[::]:8080 ()",
            "[::]:8080 (Stream) (Stream)x", "[::]:99999 (Stream)", "[::]:0 (Stream)", "[]:80 (Stream)",
            "[zz]:80 (Stream)", "1.2.3:80 (Stream)", "1.2.3.4.5:80 (Stream)", "256.1.1.1:80 (Stream)",
            "localhost:80 (Stream)", "*:80 (Stream)", "/a:80 (Stream)", "@x:80 (Datagram)",
            "1.2.3.4:80 (Netlink)", "1.2.3.4:80\u{1B}[2J (Stream)", "[\u{FF11}::]:80 (Stream)",
            "１.2.3.4:80 (Stream)",
        ]
        for value in hostile {
            XCTAssertEqual(
                SocketUnitPorts.find(listen: [value], socketUnit: "x.socket").map(\.port), [], value)
        }
        // Still a port, and the escape sequence never reaches the evidence.
        let escaped = SocketUnitPorts.find(listen: ["1.2.3.4:81 (Stream)"], socketUnit: "a\u{1B}b.socket")
        XCTAssertEqual(escaped.map(\.port), [81])
        XCTAssertFalse(escaped[0].source.contains("\u{1B}"), escaped[0].source)
    }

    func testNginxConfigurationAcrossIncludes() throws {
        let directory = TemporaryDirectory(prefix: "aiops-nginx")
        mkdir(directory.file("sites-enabled"), 0o755)
        try """
        # main file
        events { worker_connections 64; }
        http {
            include sites-enabled/*;
            # listen 9999;  a comment is not a directive
        }
        """.write(toFile: directory.file("nginx.conf"), atomically: true, encoding: .utf8)
        try """
        server {
            listen 443 ssl; listen [::]:443 ssl;
            listen unix:/run/nginx.sock;
            server_name "a;b";
        }
        """.write(toFile: directory.file("sites-enabled/default"), atomically: true, encoding: .utf8)
        try "server { listen 127.0.0.1:8080; }".write(
            toFile: directory.file("sites-enabled/local"), atomically: true, encoding: .utf8)
        let ports = ConfigFilePorts.find(mainFile: directory.file("nginx.conf"), syntax: .nginx)
        XCTAssertEqual(ports.map(\.port), [443, 443, 8080])
        XCTAssertEqual(ports[1].address, "::")
        XCTAssertEqual(ports[2].address, "127.0.0.1")
        XCTAssertEqual(ports[0].source, directory.file("sites-enabled/default") + ": listen 443 ssl;")
    }

    func testHostileFileNamesAreEscapedInTheEvidence() throws {
        let directory = TemporaryDirectory(prefix: "aiops-nginx")
        let hostile = directory.file("site\u{1B}[2J")
        try "listen 82;".write(toFile: hostile, atomically: true, encoding: .utf8)
        try "include site*;".write(toFile: directory.file("nginx.conf"), atomically: true, encoding: .utf8)
        let ports = ConfigFilePorts.find(mainFile: directory.file("nginx.conf"), syntax: .nginx)
        XCTAssertEqual(ports.map(\.port), [82])
        XCTAssertFalse(ports[0].source.contains("\u{1B}"))
        XCTAssertTrue(ports[0].source.contains("site\\e[2J"), ports[0].source)
    }

    func testAnIncludeLoopEnds() throws {
        let directory = TemporaryDirectory(prefix: "aiops-nginx")
        try "include nginx.conf; listen 81;".write(
            toFile: directory.file("nginx.conf"), atomically: true, encoding: .utf8)
        XCTAssertEqual(
            ConfigFilePorts.find(mainFile: directory.file("nginx.conf"), syntax: .nginx).map(\.port), [81])
    }

    func testLineDirectives() throws {
        let directory = TemporaryDirectory(prefix: "aiops-sshd")
        try "# Port 2200\nPort 2222\nListenAddress 127.0.0.1:2223\nPasswordAuthentication no\n".write(
            toFile: directory.file("sshd_config"), atomically: true, encoding: .utf8)
        guard let (syntax, _) = ConfigFilePorts.known(program: "sshd") else {
            return XCTFail("sshd is known")
        }
        XCTAssertEqual(
            ConfigFilePorts.find(mainFile: directory.file("sshd_config"), syntax: syntax).map(\.port),
            [2222, 2223])
        XCTAssertEqual(
            ConfigFilePorts.mainFile(
                words: ["/usr/sbin/sshd", "-D", "-f", "/x/cfg"], program: "sshd", defaultPath: "/d"),
            "/x/cfg")
    }
}
