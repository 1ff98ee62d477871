import AiopsCore

/// A boxed, sectioned report for a terminal, in the spirit of the specification's samples: a
/// title bar with the time, a few header lines, then sections with an icon and a title.
///
/// The width is fixed (80 columns by default) so output is the same everywhere and can be
/// tested; lines too long for the box are cut with "…" or wrapped, except shell commands, which
/// stay whole. Text must already be
/// terminal-safe (untrusted bytes through `UntrustedText.terminalSafe`); as a second line of
/// defence any control character that still arrives is shown as "?", so nothing in a report
/// can move the cursor or change the terminal. Colour is added around spans, outside the width
/// arithmetic, only when the style allows it.
public struct ReportPanel: Sendable {
    public struct Span: Sendable {
        public var text: String
        public var tone: TerminalStyle.Tone?

        public init(_ text: String, _ tone: TerminalStyle.Tone? = nil) {
            self.text = text
            self.tone = tone
        }
    }

    public struct Line: Sendable, ExpressibleByStringLiteral {
        public var spans: [Span]
        /// When set, a line too long for the box continues on the next lines, cut at spaces and
        /// indented by this many columns (a label column stays clear); otherwise it is cut with "…".
        public var hangingIndent: Int?
        /// A shell command for the operator to paste: never cut or wrapped, since either breaks
        /// the paste (a wrapped line would run its first half). Too long for the box, it runs
        /// past the right border, and the terminal folds it without adding a newline.
        public var isCommand = false

        public init(_ spans: [Span], hangingIndent: Int? = nil) {
            self.spans = spans
            self.hangingIndent = hangingIndent
        }

        /// `command` indented by `indent` spaces, painted `tone`, kept whole.
        public static func command(_ command: String, indent: Int, _ tone: TerminalStyle.Tone? = .cyan)
            -> Line
        {
            var line = Line([Span(String(repeating: " ", count: indent)), Span(command, tone)])
            line.isCommand = true
            return line
        }

        public init(_ text: String, _ tone: TerminalStyle.Tone? = nil) {
            self.spans = [Span(text, tone)]
        }

        public init(stringLiteral value: String) {
            self.spans = [Span(value)]
        }

        public static let blank = Line("")
    }

    public struct Section: Sendable {
        public var icon: String
        public var title: String
        public var lines: [Line]

        public init(icon: String, title: String, lines: [Line]) {
            self.icon = icon
            self.title = title
            self.lines = lines
        }
    }

    public var title: String
    /// Shown at the right of the title bar.
    public var time: String
    public var header: [Line]
    public var sections: [Section]

    public init(title: String, time: String, header: [Line] = [], sections: [Section] = []) {
        self.title = title
        self.time = time
        self.header = header
        self.sections = sections
    }

    /// The report's lines; `width` counts the borders.
    public func render(width: Int = 80, style: TerminalStyle) -> [String] {
        let inner = max(width - 4, 20)
        var output: [String] = []
        output.append("┏" + String(repeating: "━", count: inner + 2) + "┓")
        let time = Self.sanitized(self.time)
        let titleRoom = inner - DisplayWidth.columns(time) - 1
        let title = DisplayWidth.truncate(Self.sanitized(self.title), to: max(titleRoom, 1))
        let gap = max(inner - DisplayWidth.columns(title) - DisplayWidth.columns(time), 1)
        output.append("┃ " + style.paint(title, .bold) + String(repeating: " ", count: gap) + time + " ┃")
        output.append("┡" + String(repeating: "━", count: inner + 2) + "┩")
        for line in header { output += rows(line, inner: inner, style: style) }
        for (index, section) in sections.enumerated() {
            if index > 0 || !header.isEmpty {
                output.append("├" + String(repeating: "─", count: inner + 2) + "┤")
            }
            let heading = Line([Span(section.icon + " "), Span(section.title, .bold)])
            output.append(row(heading, inner: inner, style: style))
            for line in section.lines { output += rows(line, inner: inner, style: style) }
        }
        output.append("└" + String(repeating: "─", count: inner + 2) + "┘")
        return output
    }

    /// One line, or several when it wraps: the continuation lines carry the tone of the line's
    /// last span (the value; labels are plain).
    private func rows(_ line: Line, inner: Int, style: TerminalStyle) -> [String] {
        let text = line.spans.map { Self.sanitized($0.text) }.joined()
        if line.isCommand, DisplayWidth.columns(text) > inner {
            return [
                "│ "
                    + line.spans.map { span in
                        span.tone.map { style.paint(Self.sanitized(span.text), $0) }
                            ?? Self.sanitized(span.text)
                    }.joined()
            ]
        }
        guard let indent = line.hangingIndent, DisplayWidth.columns(text) > inner else {
            return [row(line, inner: inner, style: style)]
        }
        let tone = line.spans.last?.tone
        let pieces = Self.wrap(text, width: inner, indent: indent)
        return pieces.enumerated().map { index, content in
            if index == 0, line.spans.count > 1, let label = line.spans.first,
                content.hasPrefix(Self.sanitized(label.text))
            {
                let value = String(content.dropFirst(Self.sanitized(label.text).count))
                return row(
                    Line([Span(label.text, label.tone), Span(value, tone)]), inner: inner, style: style)
            }
            if index == 0 { return row(Line([Span(content, tone)]), inner: inner, style: style) }
            let body = String(content.dropFirst(indent))
            return row(
                Line([Span(String(repeating: " ", count: indent)), Span(body, tone)]), inner: inner,
                style: style)
        }
    }

    /// "│ text…padding │", cutting spans that do not fit.
    private func row(_ line: Line, inner: Int, style: TerminalStyle) -> String {
        var text = ""
        var used = 0
        for span in line.spans {
            let room = inner - used
            guard room > 0 else { break }
            let clean = Self.sanitized(span.text)
            let fitted = DisplayWidth.truncate(clean, to: room)
            used += DisplayWidth.columns(fitted)
            text += span.tone.map { style.paint(fitted, $0) } ?? fitted
            if fitted != clean { break }
        }
        return "│ " + text + String(repeating: " ", count: max(inner - used, 0)) + " │"
    }

    /// `text` cut into lines of at most `width` columns, at the last space that fits (a word
    /// longer than a line is cut); spacing within a line is kept, so aligned columns stay
    /// aligned. Continuation lines start with `indent` spaces, and are never broken inside them.
    public static func wrap(_ text: String, width: Int, indent: Int = 0) -> [String] {
        let width = max(width, 1)
        let indent = min(max(indent, 0), width / 2)
        var lines: [String] = []
        var rest = Array(text.unicodeScalars)
        var prefix = ""
        while true {
            let room = width - prefix.count
            var used = 0
            var cut = rest.count
            var lastSpace: Int?
            for (index, scalar) in rest.enumerated() {
                let columns = DisplayWidth.columns(scalar)
                if used + columns > room {
                    cut = index
                    break
                }
                // A break inside the first line's own indentation would leave an empty line.
                if scalar == " ", index > 0, !lines.isEmpty || index > indent, !bindsUnit(rest, at: index) {
                    lastSpace = index
                }
                used += columns
            }
            if cut == rest.count {
                lines.append(prefix + String(String.UnicodeScalarView(rest)))
                return lines
            }
            // At a space exactly at the edge, break there; else at the last space; else cut the
            // word (at least one scalar, so a scalar wider than the room cannot stall the loop).
            let end = rest[cut] == " " ? cut : lastSpace ?? max(cut, 1)
            lines.append(prefix + String(String.UnicodeScalarView(rest[..<end])))
            rest = Array(rest[end...].drop { $0 == " " })
            if rest.isEmpty { return lines }
            prefix = String(repeating: " ", count: indent)
        }
    }

    /// Units that stay on the line of their number: "12.3 MiB" never wraps as "12.3" / "MiB".
    static let units: Set<String> = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "s", "ms", "CPU", "CPUs"]

    /// Whether the space at `index` sits between a number and its unit.
    private static func bindsUnit(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        guard index > 0, scalars[index - 1].properties.numericType != nil else { return false }
        var word = ""
        for scalar in scalars[(index + 1)...] {
            guard scalar.properties.isAlphabetic else { break }
            word.unicodeScalars.append(scalar)
        }
        return units.contains(word)
    }

    /// Control characters (C0, DEL, C1) become "?"; tabs a space.
    static func sanitized(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\t" {
                scalars.append(" ")
            } else {
                scalars.append(isControl(scalar) ? "?" : scalar)
            }
        }
        return String(scalars)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
