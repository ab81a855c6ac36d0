-- Sentence requirements (issue 19; docs/formats.md "Requirements"): what a
-- community order or SSO asks, one row per events[].requirements entry, so
-- store/ck_store reads and writes them with the rest of the case through the
-- descriptors of core/ck_case.c. "parent_ord" is the event's position.
CREATE TABLE "requirements" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "parent_ord" INTEGER NOT NULL,
    "ord" INTEGER NOT NULL,
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "amount" INTEGER,
    "start" DATE NOT NULL,
    "end" DATE,
    "terminated_on" DATE,
    "terminated_reason" TEXT,
    "detail" TEXT,
    PRIMARY KEY ("case_id", "parent_ord", "ord")
);

-- Hours worked at an unpaid work session (contacts[].hours), credited to the
-- event's unpaid work requirement.
ALTER TABLE "contacts" ADD COLUMN "hours" INTEGER;
