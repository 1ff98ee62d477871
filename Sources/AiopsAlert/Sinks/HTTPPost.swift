import CAiopsCurl

#if canImport(Glibc)
    import Glibc
#endif

/// One POST through libcurl (CAiopsCurl does the variadic setopt calls Swift cannot make).
enum HTTPPost {
    enum Outcome: Sendable, Equatable {
        /// The server answered, with any status.
        case response(Int)
        /// No connection (not resolved, refused, connect timeout): worth a retry.
        case connectFailed(String)
        /// The connection broke mid-way: worth a retry.
        case transferFailed(String)
        /// Connected, but no complete answer in time: retrying would only multiply the wait.
        case timedOut(String)
        case cancelled
        /// TLS, malformed URL…: retrying will not help.
        case failed(String)
    }

    static func send(
        url: String, body: [UInt8], headers: [String], connectTimeout: Duration, totalTimeout: Duration,
        control: SinkControl
    ) -> Outcome {
        var result = aiops_curl_result()
        let cHeaders = headers.map { strdup($0) }
        defer { cHeaders.forEach { free($0) } }
        let context = Unmanaged.passUnretained(control).toOpaque()
        let headerPointers: [UnsafePointer<CChar>?] = cHeaders.map { UnsafePointer($0) }
        let outcome = headerPointers.withUnsafeBufferPointer { headerPointers in
            body.withUnsafeBytes { bodyBytes in
                aiops_curl_post(
                    url, bodyBytes.baseAddress, bodyBytes.count, headerPointers.baseAddress,
                    headerPointers.count,
                    connectTimeout.milliseconds, totalTimeout.milliseconds,
                    { context in
                        Unmanaged<SinkControl>.fromOpaque(context!).takeUnretainedValue().isCancelled ? 1 : 0
                    }, context, &result)
            }
        }
        // `result` is a whole struct of ours: copying its `error` array reads nothing outside it,
        // and the text ends at its NUL or at the array's end.
        let message = withUnsafeBytes(of: result.error) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        switch aiops_curl_outcome(UInt32(outcome)) {
        case AIOPS_CURL_RESPONSE: return .response(result.http_status)
        case AIOPS_CURL_CONNECT: return .connectFailed(message)
        case AIOPS_CURL_TRANSFER: return .transferFailed(message)
        case AIOPS_CURL_TIMEOUT: return .timedOut(message)
        case AIOPS_CURL_CANCELLED: return .cancelled
        default: return .failed(message)
        }
    }
}
