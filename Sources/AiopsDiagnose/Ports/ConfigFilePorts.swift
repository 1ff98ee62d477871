#if canImport(Glibc)
    import Glibc
#endif

/// Ports a daemon's own configuration file asks for, for the daemons whose configuration aiops
/// knows how to read: nginx ("listen 443 ssl;", across `include` globs), Apache ("Listen 80"),
/// sshd ("Port 22", "ListenAddress 0.0.0.0:2222"), HAProxy ("bind :80"), Redis ("port 6379").
///
/// Reading is bounded (files, bytes, include depth): a configuration is untrusted input too.
public enum ConfigFilePorts {
    public enum Syntax: Sendable {
        /// Statements end with ";" and may span lines; `include GLOB;` pulls in more files.
        case nginx
        /// One directive per line; `Include`/`IncludeOptional` globs.
        case lineDirectives(keywords: Set<String>)
    }

    static let maximumFiles = 64
    static let maximumBytesPerFile = 1 << 20

    /// The syntax and the default main file, by program name.
    public static func known(program: String) -> (Syntax, String)? {
        switch program {
        case "nginx": return (.nginx, "/etc/nginx/nginx.conf")
        case "apache2", "httpd": return (.lineDirectives(keywords: ["listen"]), "/etc/apache2/apache2.conf")
        case "sshd": return (.lineDirectives(keywords: ["port", "listenaddress"]), "/etc/ssh/sshd_config")
        case "haproxy": return (.lineDirectives(keywords: ["bind"]), "/etc/haproxy/haproxy.cfg")
        case "redis-server": return (.lineDirectives(keywords: ["port"]), "/etc/redis/redis.conf")
        default: return nil
        }
    }

    /// The main file named on the command line ("-c FILE", "-f FILE"), else the default.
    public static func mainFile(words: [String], program: String, defaultPath: String) -> String {
        let flags: [String] =
            switch program {
            case "nginx", "haproxy": program == "nginx" ? ["-c"] : ["-f"]
            case "sshd": ["-f"]
            case "apache2", "httpd": ["-f"]
            case "redis-server": []
            default: []
            }
        for (index, word) in words.enumerated() where flags.contains(word) && index + 1 < words.count {
            return words[index + 1]
        }
        if program == "redis-server", words.count > 1, words[1].hasPrefix("/") { return words[1] }
        return defaultPath
    }

    /// Every listening port the configuration declares, with the file it came from.
    public static func find(mainFile: String, syntax: Syntax) -> [ConfiguredPort] {
        var reader = Reader(syntax: syntax, base: directory(of: mainFile))
        reader.read(mainFile, depth: 0)
        return reader.ports
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The tokens of one nginx directive: "listen [::]:443 ssl" → ["listen", "[::]:443", "ssl"].
    /// Comments start with "#"; quotes group words.
    static func nginxStatements(_ text: String) -> [[String]] {
        var statements: [[String]] = []
        var words: [String] = []
        var word = ""
        var quote: Character?
        var comment = false
        func endWord() {
            if !word.isEmpty { words.append(word) }
            word = ""
        }
        for character in text {
            if comment {
                if character == "\n" { comment = false }
                continue
            }
            if let open = quote {
                if character == open { quote = nil } else { word.append(character) }
                continue
            }
            switch character {
            case "#": comment = true
            case "\"", "'": quote = character
            case ";":
                endWord()
                statements.append(words)
                words = []
            case "{", "}":
                endWord()
                words = []  // a block header ("server {") is not a statement we need
            case " ", "\t", "\n", "\r": endWord()
            default: word.append(character)
            }
        }
        return statements
    }

    /// Lines of a line-based configuration, split into words, comments dropped.
    static func lineStatements(_ text: String) -> [[String]] {
        text.split(separator: "\n").compactMap { line in
            let content =
                line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(
                String.init)
            return words.isEmpty ? nil : words
        }
    }

    struct Reader {
        let syntax: Syntax
        let base: String
        var ports: [ConfiguredPort] = []
        var filesRead = 0
        var visited: Set<String> = []

        init(syntax: Syntax, base: String) {
            self.syntax = syntax
            self.base = base
        }

        mutating func read(_ path: String, depth: Int) {
            guard depth < 8, filesRead < maximumFiles, visited.insert(path).inserted,
                let text = readText(path)
            else { return }
            filesRead += 1
            switch syntax {
            case .nginx:
                for statement in nginxStatements(text) {
                    guard let keyword = statement.first else { continue }
                    if keyword == "include", statement.count >= 2 {
                        for file in expand(statement[1]) { read(file, depth: depth + 1) }
                    } else if keyword == "listen", statement.count >= 2,
                        !statement[1].hasPrefix("unix:"), let endpoint = Endpoint.parse(statement[1])
                    {
                        ports.append(
                            ConfiguredPort(
                                port: endpoint.port, address: endpoint.address,
                                source: "\(path.shown): \(statement.joined(separator: " ").shown);"))
                    }
                }
            case .lineDirectives(let keywords):
                for statement in lineStatements(text) {
                    let keyword = statement[0].lowercased()
                    if keyword == "include" || keyword == "includeoptional", statement.count >= 2 {
                        for file in expand(statement[1]) { read(file, depth: depth + 1) }
                    } else if keywords.contains(keyword), statement.count >= 2,
                        let endpoint = Endpoint.parse(
                            statement[1].split(separator: ",").first.map(String.init) ?? "")
                    {
                        ports.append(
                            ConfiguredPort(
                                port: endpoint.port, address: endpoint.address,
                                source: "\(path.shown): \(statement.joined(separator: " ").shown)"))
                    }
                }
            }
        }

        /// An include pattern, relative to the main file's directory, expanded with glob(3).
        func expand(_ pattern: String) -> [String] {
            let absolute = pattern.hasPrefix("/") ? pattern : base + "/" + pattern
            var result = glob_t()
            defer { globfree(&result) }
            guard glob(absolute, 0, nil, &result) == 0 else { return [] }
            return (0..<Int(result.gl_pathc)).compactMap { index in
                result.gl_pathv[index].map { String(cString: $0) }
            }
        }

        func readText(_ path: String) -> String? {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while bytes.count < maximumBytesPerFile {
                let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                bytes.append(contentsOf: chunk[0..<count])
            }
            return String(decoding: bytes.prefix(maximumBytesPerFile), as: UTF8.self)
        }
    }
}
