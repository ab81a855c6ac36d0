-- The nightly inspection snapshots cost what changed (issue 16). Each case
-- keeps, per PDU its obligations count for, the few fields the inspection
-- reads of them (services/ck_inspection_cache): rule, due, met and, for a
-- CONTACT, the date of the contact it follows. None of it depends on the
-- date it is read at, so a row stays right until the case's obligations or
-- contacts change; the night sums every case's rows into each PDU's figures
-- for the day instead of reading every obligation and contact of the
-- rolling twelve months again.
--
-- "inspection_case_state" says what a case's rows were built from: the
-- case's "version" (every write of the case, contacts included, bumps it)
-- and "obl_digest" (every write of its obligations sets it, migration 027)
-- at the time, and the earliest period start they serve ("horizon": older
-- obligations are left out). A case whose version or digest differs, whose
-- digest is unknown, or whose horizon is later than a period asked for is
-- built again.
CREATE TABLE "inspection_case_state" (
    "case_id" BIGINT PRIMARY KEY,
    "version" BIGINT NOT NULL,
    "obl_digest" BIGINT,
    "horizon" DATE NOT NULL
);
-- One row per case and PDU: "items" is the case's obligations of that PDU,
-- each "<rule letter><due>,<met>,<contact date>;" with dates as day numbers
-- (empty when none); the encoding is the cache module's alone.
CREATE TABLE "inspection_case_items" (
    "case_id" BIGINT NOT NULL,
    "pdu_code" TEXT NOT NULL,
    "items" TEXT NOT NULL,
    PRIMARY KEY ("case_id", "pdu_code")
);
