/// Ports named in a failing service's own error messages.
///
/// Daemons word a bind failure in many ways — nginx "bind() to 0.0.0.0:443 failed (98: Address
/// already in use)", Go "listen tcp :8089: bind: address already in use", sshd "Bind to port 22
/// on 0.0.0.0 failed", PostgreSQL "Is another postmaster already running on port 5432?", Python
/// "OSError: [Errno 98] Address already in use" (no port at all). What they share is a conflict
/// phrase; the port is then an "address:port" token or the word after "port".
public enum PortMentions {
    public struct Finding: Equatable, Sendable {
        /// A line said the address is in use.
        public var conflict: Bool
        /// Ports named in those lines (or, when they name none, in any line saying "port N").
        public var ports: [UInt16]
        /// The lines that said so, for the evidence.
        public var lines: [String]
    }

    static let conflictPhrases = [
        "address already in use", "eaddrinuse", "errno 98", "(98)", "already allocated", "could not bind",
        "couldn't bind", "cannot bind", "can't bind", "unable to bind", "failed to bind", "bind failed",
        "port is already in use", "already in use on port",
    ]

    /// Looks through `lines` (messages of one start attempt).
    public static func find(in lines: [String]) -> Finding {
        let conflictLines = lines.filter { line in
            let lower = line.lowercased()
            return conflictPhrases.contains { lower.contains($0) }
        }
        var ports = unique(conflictLines.flatMap(ports(in:)))
        if ports.isEmpty && !conflictLines.isEmpty {
            // The port may sit in a neighbouring hint ("Is another postmaster … on port 5432?").
            ports = unique(lines.flatMap(portWordNumbers(in:)))
        }
        return Finding(conflict: !conflictLines.isEmpty, ports: ports, lines: conflictLines)
    }

    /// Ports in one line: "host:port" tokens and "port N".
    public static func ports(in line: String) -> [UInt16] {
        unique(endpointPorts(in: line) + portWordNumbers(in: line))
    }

    /// ":443" at the end of an address token: "0.0.0.0:443", "[::]:443", "*:6379", ":::3000",
    /// "localhost:80", ":8089". A clock ("12:30:05") or a ratio is not taken: the digits must
    /// end the token (a ":" or "." after them only at the end of a word) and must not be
    /// preceded by a bare number unless that number ends an IPv4 address.
    static func endpointPorts(in line: String) -> [UInt16] {
        let scalars = Array(line.unicodeScalars)
        var found: [UInt16] = []
        var index = 0
        while index < scalars.count {
            defer { index += 1 }
            guard scalars[index] == ":" else { continue }
            var end = index + 1
            while end < scalars.count, end - index <= 6, ("0"..."9").contains(scalars[end]) { end += 1 }
            let digits = end - index - 1
            guard digits >= 1, digits <= 5 else { continue }
            if end < scalars.count {
                let next = scalars[end]
                if next.properties.isAlphabetic || ("0"..."9").contains(next) { continue }
                // "…:8089: bind" ends a token; "12:30:05" and "1.2.3:4.5" continue one.
                if next == ":" || next == "." {
                    let after = end + 1 < scalars.count ? scalars[end + 1] : " "
                    if after != " " && after != "\t" { continue }
                }
            }
            guard hostBefore(scalars, colon: index) else { continue }
            if let port = UInt16(String(String.UnicodeScalarView(scalars[(index + 1)..<end]))), port > 0 {
                found.append(port)
            }
        }
        return found
    }

    /// Whether what stands before ":" looks like a host: nothing or a space (":8089"), "]", "*",
    /// another ":" (":::3000"), an IPv4 address, or a host name.
    private static func hostBefore(_ scalars: [Unicode.Scalar], colon: Int) -> Bool {
        guard colon > 0 else { return true }
        let previous = scalars[colon - 1]
        if previous == " " || previous == "]" || previous == "*" || previous == ":" || previous == "\""
            || previous == "'" || previous == "("
        {
            return true
        }
        // The whole token before the colon.
        var start = colon
        while start > 0, !" \t\"'([,=".unicodeScalars.contains(scalars[start - 1]) { start -= 1 }
        let token = String(String.UnicodeScalarView(scalars[start..<colon]))
        if token.split(separator: ".", omittingEmptySubsequences: false).count == 4,
            token.split(separator: ".").allSatisfy({ UInt8($0) != nil })
        {
            return true
        }
        // A host name has a letter; a bare number ("12" of "12:30") is not a host.
        return token.unicodeScalars.contains { $0.properties.isAlphabetic }
            && token.unicodeScalars.allSatisfy {
                $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "." || $0 == "-"
            }
    }

    /// "port 5432", "port: 3306", "port=8089", "Port 22" (case-insensitive).
    static func portWordNumbers(in line: String) -> [UInt16] {
        let words = line.lowercased().split(whereSeparator: { " \t:=,;?()'\"".contains($0) })
        var found: [UInt16] = []
        for (index, word) in words.enumerated() where word == "port" && index + 1 < words.count {
            let digits = words[index + 1].prefix(while: \.isNumber)
            if !digits.isEmpty, digits.count <= 5, let port = UInt16(digits), port > 0 { found.append(port) }
        }
        return found
    }

    static func unique(_ ports: [UInt16]) -> [UInt16] {
        var seen: Set<UInt16> = []
        return ports.filter { seen.insert($0).inserted }
    }
}
