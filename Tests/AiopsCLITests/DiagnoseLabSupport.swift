import AiopsTestSupport
import Foundation
import Testing

/// What the diagnose lab suites share: running the diagnosis inside a lab and finding its parts.
enum DiagnoseLab {
    /// Runs the diagnosis inside the lab, as JSON; fails the test on a non-zero exit.
    static func diagnose(_ lab: SystemdLab, _ unit: String) async throws -> [String: Any] {
        let result = try await lab.aiops(["diagnose", "start-failure", "--name", unit, "--json"])
        #expect(result.status == 0, "stderr: \(result.standardError)")
        let object =
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        return try #require(object, "one JSON object: \(result.standardOutput)")
    }

    /// The check of `kind` ("port_conflict", "dependencies", …) in a report.
    static func check(_ report: [String: Any], _ kind: String) -> [String: Any]? {
        (report["checks"] as? [[String: Any]])?.first { $0["kind"] as? String == kind }
    }
}
