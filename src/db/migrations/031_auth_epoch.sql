-- The bearer token cache (http/ck_auth, issue 12 point 8): a server may
-- keep what a token's look-up found (the account, its role and place, the
-- token's scopes) only while nothing it was read from has changed. "n" is
-- bumped by every write to the five tables the look-up joins (accounts,
-- tokens, staff, teams, PDUs), in the writer's own transaction, so a
-- revocation, a disabled or locked account, a new role or a move to another
-- team shows in the next request's read of "n" on every server of one
-- database; a cached entry read at another "n" is looked up again.
CREATE TABLE "auth_epoch" (
    "id" INTEGER PRIMARY KEY,
    "n" BIGINT NOT NULL
);
INSERT INTO "auth_epoch" ("id", "n") VALUES (1, 0);
{{SQLITE}}
CREATE TRIGGER "auth_epoch_users_i" AFTER INSERT ON "users" BEGIN
    UPDATE "auth_epoch" SET "n" = "n" + 1 WHERE "id" = 1;
END;
CREATE TRIGGER "auth_epoch_users_u" AFTER UPDATE ON "users" BEGIN
    UPDATE "auth_epoch" SET "n" = "n" + 1 WHERE "id" = 1;
END;
CREATE TRIGGER "auth_epoch_users_d" AFTER DELETE ON "users" BEGIN
    UPDATE "auth_epoch" SET "n" = "n" + 1 WHERE "id" = 1;
END;
CREATE TRIGGER "auth_epoch_api_tokens_i" AFTER INSERT ON "api_tokens" BEGIN
    UPDATE "auth_epoch" SET "n" = "n" + 1 WHERE "id" = 1;
END;
CREATE TRIGGER "auth_epoch_api_tokens_u" AFTER UPDATE ON "api_tokens" BEGIN
    UPDATE "auth_epoch" SET "n" = "n" + 1 WHERE "id" = 1;
END;
CREATE TRIGGER "auth_epoch_api_tokens_d" AFTER DELETE ON "api_tokens" BEGIN
    UPDATE "auth_epoch" SET "n" = "n" + 1 WHERE "id" = 1;
END;
CREATE TRIGGER "auth_epoch_staff_i" AFTER INSERT ON "staff" BEGIN
    UPDATE "auth_epoch" SET "n" = "n" + 1 WHERE "id" = 1;
END;
CREATE TRIGGER "auth_epoch_staff_u" AFTER UPDATE ON "staff" BEGIN
    UPDATE "auth_epoch" SET "n" = "n" + 1 WHERE "id" = 1;
END;
CREATE TRIGGER "auth_epoch_staff_d" AFTER DELETE ON "staff" BEGIN
    UPDATE "auth_epoch" SET "n" = "n" + 1 WHERE "id" = 1;
END;
CREATE TRIGGER "auth_epoch_teams_i" AFTER INSERT ON "teams" BEGIN
    UPDATE "auth_epoch" SET "n" = "n" + 1 WHERE "id" = 1;
END;
CREATE TRIGGER "auth_epoch_teams_u" AFTER UPDATE ON "teams" BEGIN
    UPDATE "auth_epoch" SET "n" = "n" + 1 WHERE "id" = 1;
END;
CREATE TRIGGER "auth_epoch_teams_d" AFTER DELETE ON "teams" BEGIN
    UPDATE "auth_epoch" SET "n" = "n" + 1 WHERE "id" = 1;
END;
CREATE TRIGGER "auth_epoch_pdus_i" AFTER INSERT ON "pdus" BEGIN
    UPDATE "auth_epoch" SET "n" = "n" + 1 WHERE "id" = 1;
END;
CREATE TRIGGER "auth_epoch_pdus_u" AFTER UPDATE ON "pdus" BEGIN
    UPDATE "auth_epoch" SET "n" = "n" + 1 WHERE "id" = 1;
END;
CREATE TRIGGER "auth_epoch_pdus_d" AFTER DELETE ON "pdus" BEGIN
    UPDATE "auth_epoch" SET "n" = "n" + 1 WHERE "id" = 1;
END;
{{END}}
{{PG}}
-- Once per statement: a bulk import of staff bumps it once.
CREATE FUNCTION "auth_epoch_bump"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE "auth_epoch" SET "n" = "n" + 1 WHERE "id" = 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER "auth_epoch_users" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "users"
    FOR EACH STATEMENT EXECUTE FUNCTION "auth_epoch_bump"();
CREATE TRIGGER "auth_epoch_api_tokens" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "api_tokens"
    FOR EACH STATEMENT EXECUTE FUNCTION "auth_epoch_bump"();
CREATE TRIGGER "auth_epoch_staff" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "staff"
    FOR EACH STATEMENT EXECUTE FUNCTION "auth_epoch_bump"();
CREATE TRIGGER "auth_epoch_teams" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "teams"
    FOR EACH STATEMENT EXECUTE FUNCTION "auth_epoch_bump"();
CREATE TRIGGER "auth_epoch_pdus" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "pdus"
    FOR EACH STATEMENT EXECUTE FUNCTION "auth_epoch_bump"();
{{END}}
