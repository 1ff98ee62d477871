/// A webhook address, checked before anything is sent: http or https only (libcurl would also
/// speak file://, smtp://, gopher://…), no whitespace or control characters (they would let a
/// configuration value smuggle header lines), a host present.
struct WebhookURL: Sendable, Equatable {
    let text: String
    /// scheme://host[:port] only, for messages: paths, queries and user info of webhook URLs
    /// usually carry the secret token, which must not land in logs.
    let redacted: String

    init(_ text: String) throws(AlertSinkSetupError) {
        let lowered = text.lowercased()
        guard let scheme = ["http://", "https://"].first(where: { lowered.hasPrefix($0) }) else {
            throw AlertSinkSetupError("the webhook URL must start with http:// or https://")
        }
        guard !text.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            throw AlertSinkSetupError("the webhook URL contains spaces or control characters")
        }
        let rest = text.utf8.dropFirst(scheme.utf8.count)
        let authority = rest.prefix {
            $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#")
        }
        let host = authority.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false).last ?? []
        guard !host.isEmpty, host.first != UInt8(ascii: ":") else {
            throw AlertSinkSetupError("the webhook URL has no host")
        }
        self.text = text
        self.redacted = scheme + String(decoding: host, as: UTF8.self)
    }
}
