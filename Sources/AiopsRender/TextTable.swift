/// A plain column table: widths from the content, numbers right-aligned, the last column free
/// (command lines). Cells must already be terminal-safe (escaped): the table only lays them out.
public struct TextTable {
    public enum Alignment: Sendable {
        case left, right
    }

    public struct Column: Sendable {
        public var title: String
        public var alignment: Alignment

        public init(_ title: String, _ alignment: Alignment = .left) {
            self.title = title
            self.alignment = alignment
        }
    }

    public let columns: [Column]
    private var rows: [[String]] = []

    public init(_ columns: [Column]) {
        self.columns = columns
    }

    public mutating func append(_ cells: [String]) {
        precondition(cells.count == columns.count, "a row needs one cell per column")
        rows.append(cells)
    }

    public var isEmpty: Bool { rows.isEmpty }

    /// The lines, header first; `style` paints the header.
    public func lines(style: TerminalStyle) -> [String] {
        var widths = columns.map { $0.title.count }
        for row in rows {
            for (index, cell) in row.enumerated() where index < columns.count - 1 {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func format(_ cells: [String]) -> String {
            var line = ""
            for (index, cell) in cells.enumerated() {
                if index > 0 { line += " " }
                if index == cells.count - 1 {
                    line += cell
                    break
                }
                let padding = String(repeating: " ", count: max(0, widths[index] - cell.count))
                line += columns[index].alignment == .right ? padding + cell : cell + padding
            }
            return line
        }
        let header = format(columns.map(\.title))
        return [style.paint(header, .bold)] + rows.map(format)
    }
}
