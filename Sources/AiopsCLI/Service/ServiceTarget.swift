import AiopsCore
import AiopsSystemd

/// The service a command points at: the host must run systemd (else exit 69), the name is the
/// validated full unit name, and systemd must know the unit (else exit 66).
struct ServiceTarget {
    var unit: String
    var properties: UnitProperties

    /// `name` was validated by the command (exit 2 for a bad one) before this runs.
    static func resolve(unit: String, allowUnknown: Bool = false) throws(AiopsError) -> ServiceTarget {
        try SystemdHost().requireSystemd()
        let properties = try SystemctlShow().properties(of: unit)
        if !properties.isLoaded && !allowUnknown {
            throw AiopsError(
                .noSuchTarget, "systemd has no unit \(unit)",
                hint: "list units with: systemctl list-units --all --type=service")
        }
        return ServiceTarget(unit: unit, properties: properties)
    }
}
