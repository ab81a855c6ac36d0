-- Licence conditions (issue 19, point 3; docs/formats.md, "Licence
-- conditions"): the conditions of a custody event's licence
-- (events[].licence_conditions; "parent_ord" is the event's position), and
-- victims told of them by victim liaison (victims[].conditions_told;
-- "parent_ord" is the victim's position). Every column maps one key of the
-- descriptors (core/ck_licence.c), so store/ck_store reads and writes them
-- with the rest of the case. A condition names a victim only by "victim_id":
-- the victim's name stays in "victims", for victim liaison staff only.
CREATE TABLE "licence_conditions" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "parent_ord" INTEGER NOT NULL,
    "ord" INTEGER NOT NULL,
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "start" DATE NOT NULL,
    "end" DATE,
    "victim_related" INTEGER,
    "victim_id" TEXT,
    "detail" TEXT,
    PRIMARY KEY ("case_id", "parent_ord", "ord")
);

CREATE TABLE "victim_conditions_told" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "parent_ord" INTEGER NOT NULL,
    "ord" INTEGER NOT NULL,
    "condition" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "how" TEXT NOT NULL,
    "told_by" TEXT,
    PRIMARY KEY ("case_id", "parent_ord", "ord")
);
