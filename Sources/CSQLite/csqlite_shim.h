/*
 * The system SQLite for Swift, plus the few things Swift cannot reach through <sqlite3.h>.
 *
 * Why a shim: Swift imports C functions and simple constants, but not macros that expand to
 * casts of function pointers, nor variadic functions. Each helper below exists for exactly one
 * such case, and is `static inline` so nothing is compiled or linked beyond libsqlite3.
 */
#ifndef CSQLITE_SHIM_H
#define CSQLITE_SHIM_H

#include <sqlite3.h>

/*
 * SQLITE_TRANSIENT is `((sqlite3_destructor_type)-1)`: a cast of -1 to a function pointer, which
 * Swift cannot import. Passed to sqlite3_bind_text/blob it makes SQLite copy the bytes before the
 * call returns, which is what Swift needs: a buffer borrowed with withUnsafeBytes is only valid
 * inside the closure, never until the statement is stepped.
 */
static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }

/*
 * sqlite3_db_config is variadic, which Swift cannot call. SQLITE_DBCONFIG_DEFENSIVE forbids the
 * features that let a crafted database file corrupt itself further (writable_schema, direct
 * writes to shadow tables, ...): the history file is a file an attacker may have replaced.
 * Returns an SQLite result code.
 */
static inline int csqlite_enable_defensive(sqlite3 *db)
{
	int enabled = 0;
	return sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, &enabled);
}

#endif
