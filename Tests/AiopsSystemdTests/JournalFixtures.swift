import AiopsCore
import AiopsSystemd
import Foundation

/// Journal lines captured from the systemd lab (`journalctl -o json UNIT=X + _SYSTEMD_UNIT=X`
/// after the scenarios in tools/systemd-lab/units ran), read from Fixtures/ next to this file.
enum JournalFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures"

    static func lines(_ name: String) throws -> [[UInt8]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
        return data.split(separator: 10).map { Array($0) }
    }

    static func entries(_ name: String) throws -> [JournalEntry] {
        try lines(name).compactMap { JournalJSON.parse($0) }
    }

    static func events(_ name: String, unit: String) throws -> [ServiceEvent] {
        let decoder = ServiceEventDecoder(unit: unit)
        return try entries(name).compactMap(decoder.decode)
    }
}
