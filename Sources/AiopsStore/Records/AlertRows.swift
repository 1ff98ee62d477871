import AiopsCore

/// Alert <-> a row of `alerts` and its facts, one row each in `alert_facts`.
enum AlertRows {
    static let columns = "time_ns, kind, severity, subject, pid, unit, summary"

    static func insert(_ alert: Alert, into connection: SQLiteConnection) throws(SQLiteError) {
        try connection.run("INSERT INTO alerts (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?)") {
            bind throws(SQLiteError) in
            try bind.integer(alert.unixNanoseconds)
            try bind.text(alert.kind.rawValue)
            try bind.text(alert.severity.rawValue)
            try bind.text(alert.subject)
            try bind.integer(alert.pid)
            try bind.text(alert.unit)
            try bind.text(alert.summary)
        }
        let id = connection.lastInsertRowID
        for (position, fact) in alert.facts.enumerated() {
            try connection.run(
                "INSERT INTO alert_facts (alert_id, position, name, value_kind, value) VALUES (?, ?, ?, ?, ?)"
            ) { bind throws(SQLiteError) in
                try bind.integer(id)
                try bind.integer(position)
                try bind.text(fact.name)
                switch fact.value {
                case .integer(let value):
                    try bind.text("integer")
                    try bind.integer(value)
                case .number(let value):
                    try bind.text("number")
                    try bind.real(value)
                case .text(let value):
                    try bind.text("text")
                    try bind.text(value)
                case .flag(let value):
                    try bind.text("flag")
                    try bind.integer(value ? 1 : 0)
                }
            }
        }
    }

    /// The alert part of a row, after its id; nil for values no build wrote (an unknown kind).
    static func decode(_ row: inout SQLiteRow) -> Alert? {
        guard let time = row.integer(),
            let kind = row.text().flatMap(Alert.Kind.init(rawValue:)),
            let severity = row.text().flatMap(Alert.Severity.init(rawValue:)),
            let subject = row.text()
        else { return nil }
        let pid = row.integer(as: Int32.self)
        let unit = row.text()
        guard let summary = row.text() else { return nil }
        return Alert(
            kind: kind, severity: severity, unixNanoseconds: time, subject: subject, pid: pid, unit: unit,
            summary: summary)
    }

    /// The facts of one alert, in order; nil if one of them is not a fact any build wrote.
    static func facts(of id: Int64, in connection: SQLiteConnection) throws(SQLiteError) -> [Alert.Fact]? {
        let facts = try connection.query(
            "SELECT name, value_kind, value FROM alert_facts WHERE alert_id = ? ORDER BY position"
        ) { bind throws(SQLiteError) in
            try bind.integer(id)
        } row: { row -> Alert.Fact? in
            guard let name = row.text(), let kind = row.text() else { return nil }
            let value: Alert.Value
            switch kind {
            case "integer":
                guard let integer = row.integer() else { return nil }
                value = .integer(integer)
            case "number": value = .number(row.realOrNaN())
            case "text":
                guard let text = row.text() else { return nil }
                value = .text(text)
            case "flag":
                guard let flag = row.integer(), flag == 0 || flag == 1 else { return nil }
                value = .flag(flag == 1)
            default: return nil
            }
            return Alert.Fact(name, value)
        }
        let complete = facts.compactMap { $0 }
        return complete.count == facts.count ? complete : nil
    }
}
