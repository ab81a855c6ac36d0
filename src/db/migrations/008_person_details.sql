-- The person on probation's own details (issue 13; docs/formats.md,
-- "Extensions"): where they live, how to reach them, what they are called and
-- what they need. Every column maps one key of the bundle descriptors
-- (core/ck_case.c), so store/ck_store reads and writes them with the rest.
-- None of these is a victim's detail: victims' names and contact details stay
-- in "victims", for victim liaison staff only.

ALTER TABLE "addresses" ADD COLUMN "line1" TEXT;
ALTER TABLE "addresses" ADD COLUMN "line2" TEXT;
ALTER TABLE "addresses" ADD COLUMN "town" TEXT;
ALTER TABLE "addresses" ADD COLUMN "postcode" TEXT;

ALTER TABLE "cases" ADD COLUMN "person_phone" TEXT;
ALTER TABLE "cases" ADD COLUMN "person_email" TEXT;
ALTER TABLE "cases" ADD COLUMN "person_pronouns" TEXT;
ALTER TABLE "cases" ADD COLUMN "person_preferred_language" TEXT;
ALTER TABLE "cases" ADD COLUMN "person_interpreter_required" INTEGER;

-- Other names the person is known by (person.aliases).
CREATE TABLE "aliases" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "ord" INTEGER NOT NULL,
    "forename" TEXT,
    "surname" TEXT NOT NULL,
    PRIMARY KEY ("case_id", "ord")
);

-- Disabilities and the adjustments made for them (person.disabilities).
CREATE TABLE "disabilities" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "ord" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "adjustments" TEXT,
    PRIMARY KEY ("case_id", "ord")
);

-- Who the person lives with from a change of circumstances on (changes[].
-- household); "parent_ord" is the change's position.
CREATE TABLE "household_members" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "parent_ord" INTEGER NOT NULL,
    "ord" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "relationship" TEXT NOT NULL,
    "child" INTEGER,
    PRIMARY KEY ("case_id", "parent_ord", "ord")
);
ALTER TABLE "changes" ADD COLUMN "lives_alone" INTEGER;
