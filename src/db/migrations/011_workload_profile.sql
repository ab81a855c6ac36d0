-- Each case's workload profile (core/ck_wprofile), stored beside its tier
-- (issue 14, fast management pages): the WMT case type, the current RoSH
-- level, the MAPP level in force and the court reports in preparation, each
-- needing the whole case. Whatever writes the tier (store/ck_caseload on a
-- case write, store/ck_store's batch update on recompute and import) writes
-- these in the same statement, with the date they were computed at. The
-- workforce and the allocation board read them for a whole PDU in one query;
-- a case whose profile_as_of is not the date asked for is loaded whole, as
-- before, so a stale profile is never used.
ALTER TABLE "cases" ADD COLUMN "wmt_type" TEXT;       -- community, licence, custody; NULL: none
ALTER TABLE "cases" ADD COLUMN "rosh_level" TEXT;     -- NULL: no RoSH assessment
ALTER TABLE "cases" ADD COLUMN "mappa_level" TEXT;    -- NULL: no MAPP registration in force
ALTER TABLE "cases" ADD COLUMN "court_reports" TEXT;  -- report types joined by ','; NULL: none
ALTER TABLE "cases" ADD COLUMN "profile_as_of" DATE;  -- NULL: not stored (recompute writes it)

-- Every profile is missing until the next recompute: forget the last
-- recompute date so the server recomputes every case when it next starts.
DELETE FROM "meta" WHERE "key" = 'obligations_as_of';
