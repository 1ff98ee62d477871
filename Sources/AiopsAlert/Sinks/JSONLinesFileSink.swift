import AiopsPlatform

#if canImport(Glibc)
    import Glibc
#endif

extension QueuedSink {
    /// Appends one JSON line per alert to `path` (created 0640, its directory 0750 if missing).
    /// On a thread of its own: a local write takes microseconds, but a full or hung filesystem
    /// (NFS, a dying disk) can block for minutes, and monitoring must not stop with it.
    public static func jsonLinesFile(
        path: String, queueCapacity: Int = 100, reporter: AlertProblemReporter = .standardError
    ) -> QueuedSink {
        QueuedSink(transport: JSONLinesFileTransport(path: path), capacity: queueCapacity, reporter: reporter)
    }
}

/// Opens the file for every alert (alerts are few): a file rotated away or deleted is simply
/// created again, and a path that failed is retried on the next alert.
struct JSONLinesFileTransport: AlertTransport {
    let path: String
    var name: String { "file \(path)" }
    var threadName: String { "aiops-alertfile" }

    func send(_ alert: OutgoingAlert, control: SinkControl) -> TransportResult {
        var line = alert.json
        line.append(10)
        let flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY
        var fd = open(path, flags, 0o640)
        if fd < 0 && errno == ENOENT {
            createDirectories(parentOf: path)
            fd = open(path, flags, 0o640)
        }
        guard fd >= 0 else {
            return TransportResult(status: .failed, detail: "cannot open: \(ErrnoText.message(errno))")
        }
        defer { close(fd) }
        // O_APPEND: each write lands at the end even with other writers (logrotate copytruncate,
        // a second aiops); a line is one write unless the kernel cuts it short.
        var offset = 0
        while offset < line.count {
            let written = line.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return TransportResult(status: .failed, detail: "cannot write: \(ErrnoText.message(errno))")
            }
            offset += written
        }
        return TransportResult(status: .delivered, detail: "written")
    }

    /// `mkdir -p` of the file's directory; what exists already is left as it is.
    private func createDirectories(parentOf path: String) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/").dropLast() {
            current += "/" + component
            mkdir(current, 0o750)
        }
    }
}
