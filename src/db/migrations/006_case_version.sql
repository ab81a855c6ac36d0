-- No lost updates (issue 12): every case carries a version, 1 when it is
-- created and one more for every write of its content, in the same
-- transaction as the write (ck_store_bump_version, store/ck_store.c). The API sends
-- it as the ETag of GET /api/v1/cases/{crn} and refuses a write whose
-- If-Match names an older one (412); web forms carry the version they were
-- opened at. Who made the last change, and when (Unix seconds, UTC), is what
-- a refused writer is told: "changed by NAME at TIME since you opened it".
-- changed_by is the account's username (NULL for a write made outside the
-- access layer, such as an import before this column existed).
ALTER TABLE "cases" ADD COLUMN "version" BIGINT NOT NULL DEFAULT 1;
ALTER TABLE "cases" ADD COLUMN "changed_by" TEXT;
ALTER TABLE "cases" ADD COLUMN "changed_at" BIGINT;
