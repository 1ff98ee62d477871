import AiopsRender
import Testing

@Suite("ReportPanel")
struct ReportPanelTests {
    static func columns(_ line: String) -> Int { DisplayWidth.columns(line) }

    static let panel = ReportPanel(
        title: "Process resources: PID 42 (nginx)", time: "2026-11-25 03:50:12",
        header: [ReportPanel.Line("  Command    nginx -g 'daemon off;'")],
        sections: [
            ReportPanel.Section(icon: "📊", title: "CPU", lines: ["  Window     12.5% of one CPU"]),
            ReportPanel.Section(
                icon: "💡", title: "Notes",
                lines: [
                    ReportPanel.Line(
                        [
                            ReportPanel.Span("  🔴 "),
                            ReportPanel.Span(
                                "open files: 950 of the soft limit 1024 (93%): at the limit open/accept/socket "
                                    + "fail with EMFILE", .red),
                        ], hangingIndent: 5)
                ]),
        ])

    @Test("every line is exactly the box width, emoji counted as two columns")
    func fixedWidth() {
        let lines = Self.panel.render(width: 80, style: TerminalStyle(colors: false))
        #expect(lines.allSatisfy { Self.columns($0) == 80 })
        #expect(lines.first == "┏" + String(repeating: "━", count: 78) + "┓")
        #expect(lines[1].hasPrefix("┃ Process resources: PID 42 (nginx)"))
        #expect(lines[1].hasSuffix("2026-11-25 03:50:12 ┃"))
        #expect(lines.contains("│ 📊 CPU" + String(repeating: " ", count: 71) + "│"))
        #expect(lines.last == "└" + String(repeating: "─", count: 78) + "┘")
    }

    @Test("a long line with a hanging indent wraps at spaces under its text")
    func wrapping() {
        let lines = Self.panel.render(width: 80, style: TerminalStyle(colors: false))
        let start = lines.firstIndex { $0.contains("🔴 open files") }!
        #expect(lines[start].contains("at the limit"))
        #expect(lines[start + 1].hasPrefix("│      "))
        #expect(lines[start + 1].contains("EMFILE"))
    }

    @Test("colour only when the style allows, outside the width arithmetic")
    func colours() {
        let plain = Self.panel.render(width: 80, style: TerminalStyle(colors: false))
        #expect(!plain.joined().contains("\u{1B}"))
        let coloured = Self.panel.render(width: 80, style: TerminalStyle(colors: true))
        #expect(coloured.joined().contains("\u{1B}[31m"))
        let stripped = coloured.map { line in
            line.replacing(/\x{1B}\[[0-9;]*m/, with: "")
        }
        #expect(stripped == plain)
    }

    @Test("control characters that slip through are shown as '?', never sent to the terminal")
    func controlCharacters() {
        let panel = ReportPanel(
            title: "evil\u{1B}]0;pwned\u{07}", time: "t",
            sections: [ReportPanel.Section(icon: "📂", title: "x\u{9B}y", lines: ["a\tb\nc"])])
        let text = panel.render(style: TerminalStyle(colors: false)).joined(separator: "\n")
        #expect(!text.contains("\u{1B}") && !text.contains("\u{07}") && !text.contains("\u{9B}"))
        #expect(text.contains("evil?]0;pwned?"))
        #expect(text.contains("a b?c"))
    }

    @Test("too long without a hanging indent: cut with an ellipsis")
    func truncation() {
        let panel = ReportPanel(
            title: String(repeating: "t", count: 200), time: "now",
            sections: [
                ReportPanel.Section(
                    icon: "📂", title: "Files", lines: [ReportPanel.Line(String(repeating: "x", count: 200))])
            ])
        let lines = panel.render(width: 40, style: TerminalStyle(colors: false))
        #expect(lines.allSatisfy { Self.columns($0) == 40 })
        #expect(lines.contains { $0.hasSuffix("x… │") })
        #expect(lines[1].hasSuffix("t… now ┃"))
    }

    @Test("wrap keeps spacing, cuts words longer than a line, never loops")
    func wrapFunction() {
        #expect(ReportPanel.wrap("a  b  c", width: 80) == ["a  b  c"])
        #expect(ReportPanel.wrap("aaaa bbbb cccc", width: 9, indent: 2) == ["aaaa bbbb", "  cccc"])
        #expect(
            ReportPanel.wrap(String(repeating: "z", count: 25), width: 10) == [
                "zzzzzzzzzz", "zzzzzzzzzz", "zzzzz",
            ])
        #expect(ReportPanel.wrap("", width: 10) == [""])
        #expect(ReportPanel.wrap("read 12.3 MiB now", width: 12) == ["read", "12.3 MiB now"])
        #expect(ReportPanel.wrap("pid 12 was", width: 8) == ["pid 12", "was"])
        #expect(ReportPanel.wrap("🔴🔴🔴🔴🔴🔴", width: 5).allSatisfy { DisplayWidth.columns($0) <= 5 })
    }

    @Test("a shell command is never cut or wrapped: too long, it runs past the border, whole")
    func commandsStayWhole() {
        let long =
            "sudo systemctl start a-very-long-unit-name.socket a-very-long-unit-name.service && echo done"
        let panel = ReportPanel(
            title: "t", time: "now",
            sections: [
                .init(
                    icon: "💡", title: "Solutions",
                    lines: [.command(long, indent: 5), .command("true", indent: 5)])
            ])
        let lines = panel.render(width: 60, style: TerminalStyle(colors: false))
        #expect(lines.contains("│      " + long))
        #expect(lines.contains("│      true" + String(repeating: " ", count: 47) + " │"))
        #expect(!lines.contains { $0.contains("…") })
    }

    @Test("display width: ASCII one, emoji and CJK two, combining marks none")
    func displayWidth() {
        #expect(DisplayWidth.columns("abc") == 3)
        #expect(DisplayWidth.columns("📊") == 2)
        #expect(DisplayWidth.columns("日本") == 4)
        #expect(DisplayWidth.columns("e\u{301}") == 1)
        #expect(DisplayWidth.columns("│─┏") == 3)
        #expect(DisplayWidth.truncate("日本語テキスト", to: 6) == "日本…")
        // A text symbol with VS16 is drawn as an emoji, two columns; bare, one.
        #expect(DisplayWidth.columns("⚠") == 1)
        #expect(DisplayWidth.columns("⚠️ above") == 8)
        #expect(DisplayWidth.truncate("a⚠️bc", to: 4) == "a⚠️…")
    }
}
