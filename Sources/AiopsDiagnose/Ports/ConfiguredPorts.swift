/// A port the service is configured to use, and where that was read.
public struct ConfiguredPort: Hashable, Sendable {
    public var port: UInt16
    /// The address it binds, when the configuration says ("127.0.0.1", "::"); nil means any.
    public var address: String?
    /// "ExecStart --port 8089", "/etc/nginx/sites-enabled/default: listen 443 ssl",
    /// "web.socket ListenStream [::]:8089".
    public var source: String
    /// The socket unit that listens on it for the service (socket activation): systemd binds
    /// the port, not the service, so that unit is what fails and what to start again.
    public var socket: SocketOrigin?

    public init(port: UInt16, address: String? = nil, source: String, socket: SocketOrigin? = nil) {
        self.port = port
        self.address = address
        self.source = source
        self.socket = socket
    }
}

/// A socket unit's listening directive.
public struct SocketOrigin: Hashable, Sendable {
    /// "web.socket".
    public var unit: String
    /// "ListenStream" or "ListenDatagram".
    public var directive: String

    public init(unit: String, directive: String) {
        self.unit = unit
        self.directive = directive
    }
}

/// Ports in a command line: the options daemons commonly take, "host:port" arguments, and
/// Python's `-m http.server [PORT]`.
public enum CommandLinePorts {
    static let portOptions: Set<String> = [
        "--port", "-p", "--http-port", "--listen-port", "--server-port", "-P",
    ]
    static let addressOptions: Set<String> = [
        "--listen", "--bind", "--address", "--addr", "--listen-address", "-l", "-b",
    ]

    public static func find(in words: [String]) -> [ConfiguredPort] {
        var found: [ConfiguredPort] = []
        var index = 1
        while index < words.count {
            let word = words[index]
            let (option, inlineValue) = split(word)
            let value = inlineValue ?? (index + 1 < words.count ? words[index + 1] : nil)
            if portOptions.contains(option), let value, let port = number(value) {
                found.append(ConfiguredPort(port: port, source: "ExecStart \(option.shown) \(port)"))
                if inlineValue == nil { index += 1 }
            } else if addressOptions.contains(option), let value, let endpoint = Endpoint.parse(value) {
                found.append(
                    ConfiguredPort(
                        port: endpoint.port, address: endpoint.address,
                        source: "ExecStart \(option.shown) \(value.shown)"
                    ))
                if inlineValue == nil { index += 1 }
            } else if !word.hasPrefix("-"), word.contains(":"), let endpoint = Endpoint.parse(word),
                word.first == ":" || word.first == "[" || endpoint.address != nil
            {
                found.append(
                    ConfiguredPort(
                        port: endpoint.port, address: endpoint.address, source: "ExecStart \(word.shown)"))
            }
            index += 1
        }
        found += pythonHTTPServer(words)
        return found
    }

    /// `python3 -m http.server [--bind ADDR] [PORT]`: the port is positional, 8000 by default.
    static func pythonHTTPServer(_ words: [String]) -> [ConfiguredPort] {
        guard let module = words.firstIndex(of: "-m"), module + 1 < words.count,
            words[module + 1] == "http.server"
        else { return [] }
        var index = module + 2
        var address: String?
        while index < words.count {
            let word = words[index]
            if ["--bind", "-b", "--directory", "-d", "--protocol", "-p"].contains(word) {
                if word == "--bind" || word == "-b", index + 1 < words.count { address = words[index + 1] }
                index += 2
                continue
            }
            if let port = number(word) {
                return [ConfiguredPort(port: port, address: address, source: "ExecStart http.server \(port)")]
            }
            index += 1
        }
        return [
            ConfiguredPort(port: 8000, address: address, source: "ExecStart http.server (default port 8000)")
        ]
    }

    private static func split(_ word: String) -> (String, String?) {
        if word.hasPrefix("--"), let equals = word.firstIndex(of: "=") {
            return (String(word[..<equals]), String(word[word.index(after: equals)...]))
        }
        // "-p8089"
        if word.count > 2, word.hasPrefix("-"), !word.hasPrefix("--"),
            number(String(word.dropFirst(2))) != nil
        {
            return (String(word.prefix(2)), String(word.dropFirst(2)))
        }
        return (word, nil)
    }

    static func number(_ text: String) -> UInt16? {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber),
            let port = UInt16(text), port > 0
        else { return nil }
        return port
    }
}

/// "0.0.0.0:80", "[::]:443", "*:80", ":8089", "localhost:80", "8089".
public struct Endpoint: Hashable, Sendable {
    /// nil for any address ("*", "", "0.0.0.0", "::" are kept as written except "*" and "").
    public var address: String?
    public var port: UInt16

    public static func parse(_ text: String) -> Endpoint? {
        if let port = CommandLinePorts.number(text) { return Endpoint(address: nil, port: port) }
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":"), let port = CommandLinePorts.number(String(rest.dropFirst())) else {
                return nil
            }
            return Endpoint(address: host, port: port)
        }
        guard let colon = text.lastIndex(of: ":"),
            let port = CommandLinePorts.number(String(text[text.index(after: colon)...]))
        else { return nil }
        let host = String(text[..<colon])
        guard !host.contains(":") else { return nil }  // a bare IPv6 address without brackets
        return Endpoint(address: host.isEmpty || host == "*" ? nil : host, port: port)
    }
}
