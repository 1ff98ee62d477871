import AiopsCore
import Testing

@Suite("UnitName")
struct UnitNameTests {
    @Test(
        "names are normalised to full unit names",
        arguments: [
            ("nginx", "nginx.service"), ("foo@bar.service", "foo@bar.service"),
            ("sshd.socket", "sshd.socket"),
            ("getty@tty1", "getty@tty1.service"), ("system.slice", "system.slice"),
            ("session-3.scope", "session-3.scope"),
            ("dev-disk-by\\x2duuid-1.device", "dev-disk-by\\x2duuid-1.device"),
            ("php8.2-fpm", "php8.2-fpm.service"),
            ("a:b_c", "a:b_c.service"), ("getty@.service", "getty@.service"),
        ])
    func normalized(text: String, name: String) throws {
        #expect(try UnitName.normalize(text) == name)
    }

    @Test(
        "shell metacharacters and paths are rejected",
        arguments: [
            ("nginx; rm -rf /", ";"), ("$(id)", "$"), ("../../etc/passwd", "/"), ("a b", " "), ("x`id`", "`"),
            ("nginx\n", "\n"), ("café", "é"),
        ] as [(String, Character)])
    func badCharacters(text: String, bad: Character) {
        #expect(throws: UnitName.Invalid.badCharacter(bad)) { try UnitName.normalize(text) }
    }

    @Test(
        "a leading '-' (an option) or '.' is rejected", arguments: ["-h", "--help", ".hidden", "..service"])
    func badStart(text: String) {
        #expect(throws: UnitName.Invalid.badStart) { try UnitName.normalize(text) }
    }

    @Test(
        "a template needs a prefix and one '@'",
        arguments: ["@.service", "@", "@tty1", "a@b@c", "a@b@c.service"])
    func badTemplate(text: String) {
        #expect(throws: UnitName.Invalid.badTemplate) { try UnitName.normalize(text) }
    }

    @Test("empty is rejected")
    func empty() {
        #expect(throws: UnitName.Invalid.empty) { try UnitName.normalize("") }
    }

    @Test("255 bytes is the limit, suffix included")
    func length() throws {
        let longest = String(repeating: "a", count: 247) + ".service"
        #expect(try UnitName.normalize(longest) == longest)
        #expect(throws: UnitName.Invalid.tooLong(256)) {
            try UnitName.normalize(String(repeating: "a", count: 248) + ".service")
        }
        #expect(throws: UnitName.Invalid.tooLong(308)) {
            try UnitName.normalize(String(repeating: "a", count: 300))
        }
    }

    @Test("a trailing dot is not a unit type")
    func emptySuffix() {
        #expect(throws: UnitName.Invalid.unknownSuffix("")) { try UnitName.normalize("nginx.") }
    }

    @Test("errors explain themselves")
    func errorText() {
        #expect(UnitName.Invalid.badCharacter(";").description == "a unit name cannot contain \";\"")
        #expect(UnitName.Invalid.tooLong(300).description.contains("300"))
        #expect(UnitName.Invalid.unknownSuffix("foo").description == "'.foo' is not a unit type")
    }

    @Test(
        "the innermost service or scope of a cgroup path",
        arguments: [
            ("/system.slice/nginx.service", "nginx.service"),
            ("/user.slice/user-0.slice/session-4.scope", "session-4.scope"),
            ("/system.slice/docker-abc.scope/init", "docker-abc.scope"),
            ("/system.slice/a.service/b.service", "b.service"),
        ])
    func innermost(path: String, unit: String) {
        #expect(UnitName.innermostUnit(inCgroupPath: path) == unit)
    }

    @Test(
        "paths with no service or scope",
        arguments: ["/", "", "/system.slice", "/init.scope.d/x", "/user.slice/x.socket"])
    func noUnit(path: String) {
        #expect(UnitName.innermostUnit(inCgroupPath: path) == nil)
    }
}
