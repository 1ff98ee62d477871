import AiopsCore

/// Keyed fields: `field("pid", pid)` writes `"pid":` and the value, as `key` then the value call
/// would. Every value may be Optional: nil writes `null`, exactly as `optional` does. A number
/// that is not an integer needs `digits:` (no default), so an integer never becomes a decimal
/// field by accident.
extension JSONWriter {
    public mutating func field(_ key: StaticString, _ value: String?) {
        self.key(key)
        if let value { string(value) } else { null() }
    }

    public mutating func field(_ key: StaticString, _ value: UntrustedText?) {
        self.key(key)
        if let value { string(value) } else { null() }
    }

    public mutating func field<T: BinaryInteger>(_ key: StaticString, _ value: T?) {
        self.key(key)
        if let value { integer(value) } else { null() }
    }

    public mutating func field(_ key: StaticString, _ value: Bool?) {
        self.key(key)
        if let value { bool(value) } else { null() }
    }

    /// A number with at most `digits` decimals, as `number(_:digits:)`.
    public mutating func field(_ key: StaticString, _ value: Double?, digits: Int) {
        self.key(key)
        if let value { number(value, digits: digits) } else { null() }
    }

    /// An array of strings.
    public mutating func field(_ key: StaticString, strings: [String]?) {
        self.key(key)
        guard let strings else { return null() }
        beginArray()
        for string in strings { self.string(string) }
        endArray()
    }

    /// An array of untrusted strings (invalid UTF-8 becomes U+FFFD).
    public mutating func field(_ key: StaticString, strings: [UntrustedText]?) {
        self.key(key)
        guard let strings else { return null() }
        beginArray()
        for string in strings { self.string(string) }
        endArray()
    }
}
