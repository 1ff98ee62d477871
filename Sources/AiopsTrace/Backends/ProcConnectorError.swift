import AiopsPlatform

/// Why subscribing to the proc connector failed. It states what happened; the hint and the exit
/// code are the CLI's to choose.
public struct ProcConnectorError: Error, Sendable, CustomStringConvertible {
    /// The positive errno of the subscription.
    public let errorNumber: Int32

    public init(errorNumber: Int32) {
        self.errorNumber = errorNumber
    }

    /// EPERM or EACCES: the kernel wants CAP_NET_ADMIN (kernels differ; see `aiops doctor`).
    public var isPermission: Bool { errorNumber == 1 || errorNumber == 13 }

    public var description: String {
        isPermission
            ? "subscribing to the proc connector was refused (\(ErrnoText.name(errorNumber)))"
            : "the proc connector is not available (\(ErrnoText.name(errorNumber))): kernel without CONFIG_PROC_EVENTS?"
    }
}
