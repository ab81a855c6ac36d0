-- Accounts, sessions, API tokens, sign-in throttling, limited-access cases
-- and the audit log (docs/security.md). Written once for SQLite and
-- PostgreSQL 15, as 001. Times are whole seconds since the Unix epoch
-- (BIGINT) so both backends compare them alike; the audit log keeps its
-- own text timestamps because they are part of what its hashes cover.

-- ---- Accounts ----------------------------------------------------------------

-- One row per person (or integration) who signs in. "role" is one of
-- core/ck_roles.c's role names; "staff_code" links the account to the
-- organisation, which is where its scope comes from. Accounts are never
-- deleted (the audit log names them): they are disabled.
CREATE TABLE "users" (
    "user_id" {{ID}},
    "username" TEXT NOT NULL UNIQUE,
    "role" TEXT NOT NULL,
    "staff_code" TEXT REFERENCES "staff" ("code"),
    -- Argon2id in libsodium's crypto_pwhash_str format; NULL: cannot sign in
    -- with a password (API tokens only).
    "password_hash" TEXT,
    "disabled" INTEGER NOT NULL,
    -- Set after too many failed sign-ins in a row; cleared by an
    -- administrator (casekeeper user unlock / reset-password).
    "locked" INTEGER NOT NULL,
    "created_at" BIGINT NOT NULL
);

-- Browser sessions. Only the SHA-256 of the token is stored: a copy of the
-- database does not let anyone sign in as anyone.
CREATE TABLE "sessions" (
    "token_hash" TEXT PRIMARY KEY,
    "user_id" BIGINT NOT NULL REFERENCES "users" ("user_id"),
    "created_at" BIGINT NOT NULL,
    "last_seen" BIGINT NOT NULL
);
CREATE INDEX "sessions_user" ON "sessions" ("user_id");

-- API bearer tokens: a user's, narrowed to "scopes" (comma-separated
-- permission names). Only the SHA-256 of the token is stored.
CREATE TABLE "api_tokens" (
    "token_id" {{ID}},
    "token_hash" TEXT NOT NULL UNIQUE,
    "user_id" BIGINT NOT NULL REFERENCES "users" ("user_id"),
    "scopes" TEXT NOT NULL,
    "label" TEXT,
    "created_at" BIGINT NOT NULL,
    "expires_at" BIGINT,
    "revoked" INTEGER NOT NULL
);
CREATE INDEX "api_tokens_user" ON "api_tokens" ("user_id");

-- Failed sign-ins in a row, per account name as typed ("user") and per
-- client address ("addr"), whether or not the account exists, so the answer
-- never tells which names are accounts. "blocked_until": no attempt is
-- checked before then (exponential back-off; an address's lock-out).
CREATE TABLE "sign_in_failures" (
    "kind" TEXT NOT NULL CHECK ("kind" IN ('user', 'addr')),
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL,
    "last_failure" BIGINT NOT NULL,
    "blocked_until" BIGINT NOT NULL,
    PRIMARY KEY ("kind", "key")
);
CREATE INDEX "sign_in_failures_last" ON "sign_in_failures" ("last_failure");

-- ---- Limited-access cases (nDelius LAO) -----------------------------------------

-- A case with an exclusion list (named users may not see it) and/or a
-- restriction (only named users may), each with the message those kept out
-- are shown. "restricted" is explicit so that emptying the restriction list
-- keeps everyone out rather than letting everyone in.
CREATE TABLE "case_access" (
    "case_id" BIGINT PRIMARY KEY REFERENCES "cases" ("case_id"),
    "restricted" INTEGER NOT NULL,
    "exclusion_message" TEXT,
    "restriction_message" TEXT
);

CREATE TABLE "case_access_users" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "list" TEXT NOT NULL CHECK ("list" IN ('exclusion', 'restriction')),
    "user_id" BIGINT NOT NULL REFERENCES "users" ("user_id"),
    PRIMARY KEY ("case_id", "list", "user_id")
);
CREATE INDEX "case_access_users_user" ON "case_access_users" ("user_id", "list");

-- ---- Audit log ----------------------------------------------------------------------

-- Append-only, as a hash chain: each entry's "hash" is SHA-256 over the
-- previous entry's hash and the entry's own canonical content
-- (store/ck_audit.c), so `casekeeper audit verify` finds any entry altered,
-- removed or moved. "seq" runs 1, 2, 3, ... without gaps. On PostgreSQL,
-- grant the application role INSERT and SELECT only on this table.
CREATE TABLE "audit_log" (
    "seq" BIGINT PRIMARY KEY,
    "at" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "crn" TEXT,
    "record" TEXT,
    "client" TEXT,
    "request_id" TEXT,
    "detail" TEXT,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL
);
CREATE INDEX "audit_log_actor" ON "audit_log" ("actor", "seq");
CREATE INDEX "audit_log_crn" ON "audit_log" ("crn", "seq");
CREATE INDEX "audit_log_at" ON "audit_log" ("at");

-- The chain's last entry. Appends lock this one row (PostgreSQL FOR
-- UPDATE; SQLite write transactions are already exclusive), so appends are
-- serialised and the chain never forks; verify also checks the log ends here.
CREATE TABLE "audit_head" (
    "id" INTEGER PRIMARY KEY CHECK ("id" = 1),
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL
);
INSERT INTO "audit_head" ("id", "seq", "hash")
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
