-- The worklist page cache (http/ck_wl_cache, issue 16 point 8): a server
-- may answer GET /api/v1/worklist from a page it rendered earlier only while
-- nothing the page was read from has changed. A page of staff member S reads
-- the obligations whose "staff_code" is S (a team's "team_code", a PDU's
-- "pdu_code"), their cases' CRN and names, and the limited-access lists;
-- "n" of scope 's:S' ('t:T', 'p:P') moves on in the transaction of every
-- write to such a row (the old holder's and the new one's), and "n" of '*'
-- with every change to "case_access" or "case_access_users". The reader's
-- account, role, place and the organisation are the auth epoch's
-- (migration 031). A cached page remembers the numbers read in the snapshot
-- it was read in; a changed number, on this server or another, is a miss.
--
-- Triggers, so that no write path (a case write, either recompute, the
-- import, an administrator's tool) can forget the bump. A scope's row is
-- made by its first bump; no row reads as 0.
CREATE TABLE "worklist_versions" (
    "scope" TEXT PRIMARY KEY,
    "n" BIGINT NOT NULL
);
INSERT INTO "worklist_versions" ("scope", "n") VALUES ('*', 0);
-- A bulk writer (the import: millions of obligation rows in one
-- transaction) holds a row here for its transaction and bumps '*' once at
-- its end (store/ck_worklist ck_worklist_bulk_begin, _end) instead of a
-- bump per row: on SQLite the row triggers skip while the row exists, which
-- only the writer's own transaction can see (one writer at a time, and a
-- rollback takes the row away). PostgreSQL's statement triggers cost one
-- statement per statement already and ignore it.
CREATE TABLE "worklist_bulk" (
    "id" INTEGER PRIMARY KEY
);
{{SQLITE}}
-- One writer at a time: the row triggers bump straight away.
CREATE TRIGGER "worklist_obligations_i" AFTER INSERT ON "obligations"
WHEN NOT EXISTS (SELECT 1 FROM "worklist_bulk") BEGIN
    INSERT INTO "worklist_versions" ("scope", "n")
    SELECT "s", 1 FROM (SELECT 's:' || NEW."staff_code" AS "s" UNION SELECT 't:' || NEW."team_code"
                        UNION SELECT 'p:' || NEW."pdu_code") WHERE "s" IS NOT NULL
    ON CONFLICT ("scope") DO UPDATE SET "n" = "n" + 1;
END;
CREATE TRIGGER "worklist_obligations_u" AFTER UPDATE ON "obligations"
WHEN NOT EXISTS (SELECT 1 FROM "worklist_bulk") BEGIN
    INSERT INTO "worklist_versions" ("scope", "n")
    SELECT "s", 1 FROM (SELECT 's:' || NEW."staff_code" AS "s" UNION SELECT 't:' || NEW."team_code"
                        UNION SELECT 'p:' || NEW."pdu_code" UNION SELECT 's:' || OLD."staff_code"
                        UNION SELECT 't:' || OLD."team_code" UNION SELECT 'p:' || OLD."pdu_code")
    WHERE "s" IS NOT NULL
    ON CONFLICT ("scope") DO UPDATE SET "n" = "n" + 1;
END;
CREATE TRIGGER "worklist_obligations_d" AFTER DELETE ON "obligations"
WHEN NOT EXISTS (SELECT 1 FROM "worklist_bulk") BEGIN
    INSERT INTO "worklist_versions" ("scope", "n")
    SELECT "s", 1 FROM (SELECT 's:' || OLD."staff_code" AS "s" UNION SELECT 't:' || OLD."team_code"
                        UNION SELECT 'p:' || OLD."pdu_code") WHERE "s" IS NOT NULL
    ON CONFLICT ("scope") DO UPDATE SET "n" = "n" + 1;
END;
-- A case's CRN or names are on every page holding one of its obligations.
CREATE TRIGGER "worklist_cases_u" AFTER UPDATE OF "crn", "person_forename", "person_surname" ON "cases"
WHEN OLD."crn" IS NOT NEW."crn" OR OLD."person_forename" IS NOT NEW."person_forename"
     OR OLD."person_surname" IS NOT NEW."person_surname" BEGIN
    INSERT INTO "worklist_versions" ("scope", "n")
    SELECT DISTINCT "s", 1 FROM (SELECT 's:' || "staff_code" AS "s" FROM "obligations" WHERE "case_id" = NEW."case_id"
                                 UNION SELECT 't:' || "team_code" FROM "obligations" WHERE "case_id" = NEW."case_id"
                                 UNION SELECT 'p:' || "pdu_code" FROM "obligations" WHERE "case_id" = NEW."case_id")
    WHERE "s" IS NOT NULL
    ON CONFLICT ("scope") DO UPDATE SET "n" = "n" + 1;
END;
CREATE TRIGGER "worklist_case_access_i" AFTER INSERT ON "case_access" BEGIN
    UPDATE "worklist_versions" SET "n" = "n" + 1 WHERE "scope" = '*';
END;
CREATE TRIGGER "worklist_case_access_u" AFTER UPDATE ON "case_access" BEGIN
    UPDATE "worklist_versions" SET "n" = "n" + 1 WHERE "scope" = '*';
END;
CREATE TRIGGER "worklist_case_access_d" AFTER DELETE ON "case_access" BEGIN
    UPDATE "worklist_versions" SET "n" = "n" + 1 WHERE "scope" = '*';
END;
CREATE TRIGGER "worklist_case_access_users_i" AFTER INSERT ON "case_access_users" BEGIN
    UPDATE "worklist_versions" SET "n" = "n" + 1 WHERE "scope" = '*';
END;
CREATE TRIGGER "worklist_case_access_users_u" AFTER UPDATE ON "case_access_users" BEGIN
    UPDATE "worklist_versions" SET "n" = "n" + 1 WHERE "scope" = '*';
END;
CREATE TRIGGER "worklist_case_access_users_d" AFTER DELETE ON "case_access_users" BEGIN
    UPDATE "worklist_versions" SET "n" = "n" + 1 WHERE "scope" = '*';
END;
{{END}}
{{PG}}
-- Several writers at once: a version row bumped mid-transaction would stay
-- locked to the end, and a nightly batch and a web write bumping two scopes
-- in opposite orders would deadlock. So the statement triggers only note
-- the scopes a transaction touched (one row per scope, in a table no other
-- transaction sees rows of before they are gone), and a deferred trigger
-- bumps them all at commit, in sorted order, after every other lock the
-- transaction takes. Statement triggers, not row triggers: a batch of a
-- thousand rows costs one INSERT ... SELECT DISTINCT, not a thousand.
CREATE UNLOGGED TABLE "worklist_touched" (
    "xid" BIGINT NOT NULL DEFAULT txid_current(),
    "scope" TEXT NOT NULL,
    PRIMARY KEY ("xid", "scope")
);
CREATE FUNCTION "worklist_flush"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH "d" AS (DELETE FROM "worklist_touched" WHERE "xid" = txid_current() RETURNING "scope")
    INSERT INTO "worklist_versions" ("scope", "n")
    SELECT "scope", 1 FROM "d" ORDER BY "scope"
    ON CONFLICT ("scope") DO UPDATE SET "n" = "worklist_versions"."n" + 1;
    RETURN NULL;
END
$$;
-- Fires at COMMIT, once per noted scope: the first call bumps them all,
-- the others find nothing left.
CREATE CONSTRAINT TRIGGER "worklist_flush" AFTER INSERT ON "worklist_touched"
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "worklist_flush"();
CREATE FUNCTION "worklist_touch_new"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "worklist_touched" ("scope")
    SELECT DISTINCT "v"."s" FROM "new_rows",
        LATERAL (VALUES ('s:' || "new_rows"."staff_code"), ('t:' || "new_rows"."team_code"),
                        ('p:' || "new_rows"."pdu_code")) AS "v" ("s")
    WHERE "v"."s" IS NOT NULL
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE FUNCTION "worklist_touch_old"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "worklist_touched" ("scope")
    SELECT DISTINCT "v"."s" FROM "old_rows",
        LATERAL (VALUES ('s:' || "old_rows"."staff_code"), ('t:' || "old_rows"."team_code"),
                        ('p:' || "old_rows"."pdu_code")) AS "v" ("s")
    WHERE "v"."s" IS NOT NULL
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE FUNCTION "worklist_touch_both"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "worklist_touched" ("scope")
    SELECT DISTINCT "v"."s" FROM (SELECT "staff_code", "team_code", "pdu_code" FROM "old_rows"
                                  UNION SELECT "staff_code", "team_code", "pdu_code" FROM "new_rows") AS "r",
        LATERAL (VALUES ('s:' || "r"."staff_code"), ('t:' || "r"."team_code"), ('p:' || "r"."pdu_code")) AS "v" ("s")
    WHERE "v"."s" IS NOT NULL
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
-- A case's CRN or names are on every page holding one of its obligations.
CREATE FUNCTION "worklist_touch_cases"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "worklist_touched" ("scope")
    SELECT DISTINCT "v"."s"
    FROM (SELECT "new_rows"."case_id" FROM "old_rows" JOIN "new_rows" ON "new_rows"."case_id" = "old_rows"."case_id"
          WHERE "old_rows"."crn" IS DISTINCT FROM "new_rows"."crn"
             OR "old_rows"."person_forename" IS DISTINCT FROM "new_rows"."person_forename"
             OR "old_rows"."person_surname" IS DISTINCT FROM "new_rows"."person_surname") AS "c"
        JOIN "obligations" "o" ON "o"."case_id" = "c"."case_id",
        LATERAL (VALUES ('s:' || "o"."staff_code"), ('t:' || "o"."team_code"), ('p:' || "o"."pdu_code")) AS "v" ("s")
    WHERE "v"."s" IS NOT NULL
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE FUNCTION "worklist_touch_all"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "worklist_touched" ("scope") VALUES ('*') ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER "worklist_obligations_i" AFTER INSERT ON "obligations" REFERENCING NEW TABLE AS "new_rows"
    FOR EACH STATEMENT EXECUTE FUNCTION "worklist_touch_new"();
CREATE TRIGGER "worklist_obligations_u" AFTER UPDATE ON "obligations"
    REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows"
    FOR EACH STATEMENT EXECUTE FUNCTION "worklist_touch_both"();
CREATE TRIGGER "worklist_obligations_d" AFTER DELETE ON "obligations" REFERENCING OLD TABLE AS "old_rows"
    FOR EACH STATEMENT EXECUTE FUNCTION "worklist_touch_old"();
CREATE TRIGGER "worklist_obligations_t" AFTER TRUNCATE ON "obligations"
    FOR EACH STATEMENT EXECUTE FUNCTION "worklist_touch_all"();
CREATE TRIGGER "worklist_cases_u" AFTER UPDATE ON "cases"
    REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows"
    FOR EACH STATEMENT EXECUTE FUNCTION "worklist_touch_cases"();
CREATE TRIGGER "worklist_case_access" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "case_access"
    FOR EACH STATEMENT EXECUTE FUNCTION "worklist_touch_all"();
CREATE TRIGGER "worklist_case_access_users" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "case_access_users"
    FOR EACH STATEMENT EXECUTE FUNCTION "worklist_touch_all"();
{{END}}
