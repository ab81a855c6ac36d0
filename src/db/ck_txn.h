/* ck_txn: the error, transaction and statement helpers the storage modules
 * share (those of src/store and src/services, and the loaders that write through them): a
 * ck_rc with a formatted message, a database failure naming what failed, one
 * transaction that commits on CK_OK and rolls back otherwise, and the
 * stepping of a statement once or over its rows. */
#ifndef CK_TXN_H
#define CK_TXN_H
#include "ck_db.h"
#include "ck_mem.h"
#include "ck_rc.h"

/* Writes the message into err and returns rc. */
ck_rc ck_txn_fail(ck_rc rc, char *err, size_t err_len, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* CK_ERR_DB with "what: the database's message". */
ck_rc ck_txn_db_fail(ck_db *db, const char *what, char *err, size_t err_len);
/* A write transaction (checks, writes and their audit record, one unit) or a
 * read transaction (one snapshot, never the write lock): see ck_db.h. */
ck_rc ck_txn_begin_write(ck_db *db, char *err, size_t err_len);
ck_rc ck_txn_begin_read(ck_db *db, char *err, size_t err_len);
/* PostgreSQL only: a second connection reading what a write transaction
 * sees. ck_txn_export_snapshot gives the open transaction's snapshot as an
 * id (*id the caller's, ck_free), valid while that transaction is open;
 * ck_txn_begin_read_at begins a read transaction on another connection with
 * that snapshot. On SQLite both fail (CK_ERR_DB). */
ck_rc ck_txn_export_snapshot(ck_db *db, char **id, char *err, size_t err_len);
ck_rc ck_txn_begin_read_at(ck_db *db, const char *id, char *err, size_t err_len);
/* For a store write that runs alone or inside a write transaction its caller
 * opened (the access layer's, which checks, writes and audits in one): begins
 * one only when none is open; *own says whether it did. A read transaction
 * open is an error. ck_txn_end finishes the transaction when own, else
 * leaves commit or rollback to the caller and returns rc. */
ck_rc ck_txn_join_write(ck_db *db, bool *own, char *err, size_t err_len);
ck_rc ck_txn_end(ck_db *db, bool own, ck_rc rc, char *err, size_t err_len);
/* The same for a read of several statements that needs one snapshot (a
 * dashboard): inside whatever transaction is open, else in a read
 * transaction of its own. */
ck_rc ck_txn_join_read(ck_db *db, bool *own, char *err, size_t err_len);
/* Commits when rc is CK_OK, else rolls back; returns the outcome. A read
 * transaction ends the same way (its commit writes nothing). */
ck_rc ck_txn_finish(ck_db *db, ck_rc rc, char *err, size_t err_len);
/* A prepared statement, or NULL with the reason in err. */
ck_stmt *ck_txn_prepare(ck_db *db, const char *sql, char *err, size_t err_len);
/* Steps st (bound, not yet stepped) once and gives it back: CK_OK when it
 * ran (a row it returns is not read), else CK_ERR_DB with "what: ...". For
 * INSERT, UPDATE and DELETE. */
ck_rc ck_txn_exec(ck_db *db, ck_stmt *st, const char *what, char *err, size_t err_len);
/* Steps st for the next row of a loop over its rows: true when a row is
 * ready; false at the end, and when the step fails, which also sets *rc to
 * CK_ERR_DB with "what: ..." in err. The caller resets st after the loop. */
bool ck_txn_next(ck_db *db, ck_stmt *st, const char *what, ck_rc *rc, char *err, size_t err_len);

/* Steps st (bound, not yet stepped) to its end, collecting its first column
 * as strings in arena a (*out NULL when there are no rows), then resets it.
 * CK_ERR_DB with "what: ..." when a step fails. */
ck_rc ck_txn_column(ck_db *db, ck_stmt *st, const char *what, ck_arena *a, const char ***out, size_t *n, char *err,
                    size_t err_len);

#endif
