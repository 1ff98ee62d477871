import ArgumentParser

/// `aiops doctor`: what this host supports.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Show what this host supports and which trace backend aiops will use.")

    @OptionGroup var output: JSONOutputOption

    func run() async throws {
        try await Doctor().run(json: output.json)
    }
}
