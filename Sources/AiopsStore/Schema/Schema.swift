/// The layout of the history file: an application id that says "this is aiops history", a
/// schema version in `user_version`, and the migrations that build each version.
///
/// Tables are STRICT (SQLite enforces the declared column types, so a bug cannot store text in
/// an integer column). Times are wall-clock nanoseconds since the Unix epoch (`time_ns`);
/// process names and arguments are BLOBs, byte for byte.
enum Schema {
    /// "aiop" in ASCII, in the file header (PRAGMA application_id): `file(1)` and the store
    /// both tell an aiops history from any other SQLite file by it.
    static let applicationID: Int32 = 0x6169_6F70

    /// An application id as messages show it: 0x61696f70.
    static func hex(_ value: Int32) -> String {
        let digits = String(UInt32(bitPattern: value), radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    /// The newest version this build writes; `migrations.count`.
    static var currentVersion: Int { migrations.count }

    /// `migrations[n]` takes a database from version n to n + 1, inside the one transaction
    /// that also sets `user_version`. Released migrations are never edited: a change is a new
    /// entry appended here (and the reference schema used to validate files follows by itself).
    static let migrations: [[String]] = [version1, version2]

    /// The process's peak RSS (the kernel's high-water mark, carried by the BPF exit event): the
    /// figure an OOM or a leak analysis wants, where the last sample may be an interval old.
    private static let version2 = [
        "ALTER TABLE exits ADD COLUMN peak_resident_bytes INTEGER"
    ]

    private static let version1 = [
        """
        CREATE TABLE exits (
            id INTEGER PRIMARY KEY,
            time_ns INTEGER NOT NULL,
            pid INTEGER NOT NULL,
            ppid INTEGER,
            uid INTEGER,
            comm BLOB NOT NULL,
            argv BLOB NOT NULL,
            start_ns INTEGER,
            unit TEXT,
            wait_status INTEGER,
            abnormal INTEGER NOT NULL CHECK (abnormal IN (0, 1)),
            killer_pid INTEGER,
            killer_comm BLOB,
            snapshot_boot_ns INTEGER,
            cpu_ns INTEGER,
            resident_bytes INTEGER,
            virtual_bytes INTEGER,
            read_bytes INTEGER,
            write_bytes INTEGER,
            threads INTEGER,
            open_files INTEGER,
            source TEXT NOT NULL
        ) STRICT
        """,
        // Indexes that grow at their right end as time passes (time, abnormal by time, the few
        // units by time) cost little per insert. Indexes on pid or comm would be written at a
        // random place each time: measured, they halved the insert rate (113 µs against 54 µs
        // per record), while a query by pid or comm walks the time index backwards and stops at
        // its limit, or scans 64 MiB in tens of milliseconds for a name that never died.
        "CREATE INDEX exits_by_time ON exits (time_ns)",
        "CREATE INDEX exits_abnormal_by_time ON exits (time_ns) WHERE abnormal = 1",
        "CREATE INDEX exits_by_unit ON exits (unit, time_ns) WHERE unit IS NOT NULL",
        """
        CREATE TABLE alerts (
            id INTEGER PRIMARY KEY,
            time_ns INTEGER NOT NULL,
            kind TEXT NOT NULL,
            severity TEXT NOT NULL,
            subject TEXT NOT NULL,
            pid INTEGER,
            unit TEXT,
            summary TEXT NOT NULL
        ) STRICT
        """,
        "CREATE INDEX alerts_by_time ON alerts (time_ns)",
        "CREATE INDEX alerts_by_kind ON alerts (kind, time_ns)",
        // One row per fact, in the alert's order; the value keeps its type (value_kind) so
        // integer 1, number 1.0, text "1" and flag true stay four different facts.
        """
        CREATE TABLE alert_facts (
            alert_id INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            value_kind TEXT NOT NULL CHECK (value_kind IN ('integer', 'number', 'text', 'flag')),
            value ANY,
            PRIMARY KEY (alert_id, position)
        ) STRICT, WITHOUT ROWID
        """,
        """
        CREATE TABLE restarts (
            id INTEGER PRIMARY KEY,
            time_ns INTEGER NOT NULL,
            target TEXT NOT NULL,
            old_pid INTEGER NOT NULL,
            new_pid INTEGER NOT NULL,
            downtime_s REAL
        ) STRICT
        """,
        "CREATE INDEX restarts_by_time ON restarts (time_ns)",
        "CREATE INDEX restarts_by_target ON restarts (target, time_ns)",
        """
        CREATE TABLE fork_storms (
            id INTEGER PRIMARY KEY,
            time_ns INTEGER NOT NULL,
            parent_pid INTEGER NOT NULL,
            parent_comm BLOB NOT NULL,
            unit TEXT,
            rate REAL,
            baseline_rate REAL,
            window_s REAL
        ) STRICT
        """,
        "CREATE INDEX fork_storms_by_time ON fork_storms (time_ns)",
    ]

    /// The tables whose rows age out, each with its `time_ns` column. alert_facts goes with its
    /// alert (ON DELETE CASCADE).
    static let prunedTables = ["exits", "alerts", "restarts", "fork_storms"]
}
