/* ck_db_backup: a consistent copy of a whole database taken while the
 * server writes, and putting one back (casekeeper backup / restore).
 *
 * SQLite: the online backup API (sqlite3_backup_*) copies the database as of
 * one read snapshot in a single step; in WAL mode that read holds no lock a
 * writer waits for, so the server keeps writing. The copy is a plain SQLite
 * file (rollback journal, no -wal beside it), written to FILE.partial and
 * renamed, so FILE is never half written. Restoring copies it back with the
 * same API, replacing the target's content in one go.
 *
 * PostgreSQL: pg_dump --format=custom (one REPEATABLE READ snapshot, so every
 * table is as of the same moment) of the URL's whole database; restoring is
 * pg_restore in a single transaction, without owners or grants, so the
 * restoring role owns what it makes. Both tools come from PATH (Debian's
 * postgresql-client). The URL travels on their command line: use peer or
 * .pgpass authentication rather than a password in the URL.
 *
 * Restore refuses a target that holds any table (the migrations' or
 * anything else) unless force is given: then SQLite's content is replaced
 * wholesale and PostgreSQL's objects named in the dump are dropped first
 * (pg_restore --clean --if-exists). Stop the server before restoring. */
#ifndef CK_DB_BACKUP_H
#define CK_DB_BACKUP_H
#include <stdbool.h>
#include <stddef.h>

typedef enum ck_db_restore_rc {
    CK_RESTORE_OK = 0,
    CK_RESTORE_FAILED = 1,   /* the reason in err */
    CK_RESTORE_NOT_EMPTY = 2 /* the target holds tables and force was not given */
} ck_db_restore_rc;

/* Copies the database at url into the file out (replaced if it exists).
 * false with the reason in err. */
bool ck_db_backup(const char *url, const char *out, char *err, size_t err_len);

/* Puts the backup file from (made by ck_db_backup of the same kind of
 * database) into the database at url. */
ck_db_restore_rc ck_db_restore(const char *url, const char *from, bool force, char *err, size_t err_len);

#endif
