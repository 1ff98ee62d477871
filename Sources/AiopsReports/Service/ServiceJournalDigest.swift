import AiopsCore
import AiopsSystemd

/// One journal line for a tail: who logged it and what, all of it untrusted bytes.
public struct JournalLine {
    public var time: Int64
    public var identifier: UntrustedText
    public var pid: Int32?
    public var message: UntrustedText

    public init(time: Int64, identifier: UntrustedText, pid: Int32?, message: UntrustedText) {
        self.time = time
        self.identifier = identifier
        self.pid = pid
        self.message = message
    }
}

/// The unit's recent lifecycle events and journal tail, from one read of its last entries.
public struct ServiceJournalDigest {
    public var events: [ServiceEvent] = []
    public var tail: [JournalLine] = []
    public var entriesRead = 0

    public init() {}
}
