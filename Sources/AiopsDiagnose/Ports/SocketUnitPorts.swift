/// The IP ports of a socket unit, from `systemctl show -p Listen` as systemd 252 prints it: one
/// value per listening directive, "ADDRESS (KIND)" — "[::]:8080 (Stream)" (ListenStream=8080),
/// "127.0.0.1:53 (Datagram)".
///
/// Only IPv4 "a.b.c.d:port" and IPv6 "[…]:port" addresses of Stream and Datagram sockets have a
/// port. Everything else systemd lists is skipped: unix paths ("/run/x.sock (Stream)"), abstract
/// sockets ("@name:80 (Stream)" — a name, however it ends), vsock ("vsock:2:1234 (Stream)"),
/// "(SequentialPacket)", "(FIFO)", "(Special)", "(MessageQueue)", netlink ("route 0
/// (Netlink)"). The text is the unit file's (untrusted): anything not of that exact shape is
/// skipped, never guessed at.
public enum SocketUnitPorts {
    static let directives = ["Stream": "ListenStream", "Datagram": "ListenDatagram"]

    public static func find(listen values: [String], socketUnit: String) -> [ConfiguredPort] {
        values.compactMap { value in
            guard let (address, kind) = split(value), let directive = directives[kind],
                isIPAddressWithPort(address), let endpoint = Endpoint.parse(address)
            else { return nil }
            return ConfiguredPort(
                port: endpoint.port, address: endpoint.address,
                source: "\(socketUnit.shown) \(directive) \(address.shown)",
                socket: SocketOrigin(unit: socketUnit, directive: directive))
        }
    }

    /// "[::]:8080 (Stream)" → ("[::]:8080", "Stream").
    static func split(_ value: String) -> (String, String)? {
        // The kind is a word: the last "(" opens it, and a space comes before.
        guard value.hasSuffix(")"), let open = value.lastIndex(of: "("), open > value.startIndex,
            value[value.index(before: open)] == " "
        else { return nil }
        let address = String(value[..<value.index(before: open)])
        let kind = String(value[value.index(after: open)..<value.index(before: value.endIndex)])
        return address.isEmpty ? nil : (address, kind)
    }

    /// "[2001:db8::1]:80", "0.0.0.0:80": the two forms systemd prints IP socket addresses in.
    static func isIPAddressWithPort(_ address: String) -> Bool {
        if address.hasPrefix("[") {
            guard let close = address.firstIndex(of: "]") else { return false }
            let host = address[address.index(after: address.startIndex)..<close]
            return !host.isEmpty
                && host.allSatisfy { $0.isASCII && ($0.isHexDigit || $0 == ":" || $0 == ".") }
        }
        guard let colon = address.lastIndex(of: ":") else { return false }
        let octets = address[..<colon].split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4
            && octets.allSatisfy {
                !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) && UInt8($0) != nil
            }
    }
}
