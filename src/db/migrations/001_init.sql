-- Casekeeper schema, written once for SQLite and PostgreSQL 15.
-- The migration runner substitutes each backend's auto-numbered primary key
-- column type for the ID placeholder.
--
-- One rule for names: every identifier is double-quoted, here and in every
-- query, because many keys of the case bundle are SQL reserved words (from,
-- to, date, type, kind, level, ...) and a rule with exceptions gets broken.
--
-- Dates are DATE (text 'YYYY-MM-DD' in SQLite); booleans are INTEGER 0/1 with
-- NULL for unknown.

-- ---- Organisation (docs/formats.md, organisation.jsonl) ---------------------

CREATE TABLE "regions" (
    "code" TEXT PRIMARY KEY,
    "name" TEXT NOT NULL
);

CREATE TABLE "pdus" (
    "code" TEXT PRIMARY KEY,
    "region" TEXT NOT NULL REFERENCES "regions" ("code"),
    "name" TEXT NOT NULL
);
CREATE INDEX "pdus_region" ON "pdus" ("region");

CREATE TABLE "teams" (
    "code" TEXT PRIMARY KEY,
    "pdu" TEXT NOT NULL REFERENCES "pdus" ("code"),
    "name" TEXT NOT NULL,
    "office" TEXT
);
CREATE INDEX "teams_pdu" ON "teams" ("pdu");

CREATE TABLE "staff" (
    "code" TEXT PRIMARY KEY,
    "team" TEXT NOT NULL REFERENCES "teams" ("code"),
    "grade" TEXT NOT NULL,
    "forename" TEXT NOT NULL,
    "surname" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "agency" INTEGER NOT NULL,
    "contracted_hours" DOUBLE PRECISION NOT NULL,
    "start_date" DATE,
    "left_on" DATE,
    "absence_from" DATE
);
CREATE INDEX "staff_team" ON "staff" ("team");

CREATE TABLE "staff_reductions" (
    "staff" TEXT NOT NULL REFERENCES "staff" ("code"),
    "ord" INTEGER NOT NULL,
    "hours" DOUBLE PRECISION NOT NULL,
    "reason" TEXT,
    "from" DATE,
    "expires" DATE,
    PRIMARY KEY ("staff", "ord")
);

CREATE TABLE "vacancies" (
    "vacancy_id" {{ID}},
    "team" TEXT NOT NULL REFERENCES "teams" ("code"),
    "grade" TEXT NOT NULL,
    "since" DATE
);
CREATE INDEX "vacancies_team" ON "vacancies" ("team");

-- ---- Cases ------------------------------------------------------------------
-- The tables below mirror the field descriptors of core/ck_case.c, which
-- store/ck_store.c walks to build its SQL: a list entity is a table named by
-- ck_entity.table with its JSON keys as columns; an embedded object is
-- flattened into its parent's row with its key as prefix ("sentence_type"),
-- and a nullable one has a flag column ("has_sentence"). Rows keep their
-- list position in "ord" so a case round-trips in order; lists inside list
-- records (offences, reports, registration reviews) also carry the parent's
-- position, "parent_ord".

CREATE TABLE "cases" (
    "case_id" {{ID}},
    "crn" TEXT NOT NULL UNIQUE,
    "team" TEXT,
    "person_forename" TEXT,
    "person_surname" TEXT,
    "person_date_of_birth" DATE,
    "person_gender" TEXT,
    "person_no_fixed_abode_since" DATE,
    "person_has_offending_history" INTEGER NOT NULL,
    "person_offending_history_total_sanctions" INTEGER,
    "person_offending_history_age_at_first_sanction" INTEGER,
    -- Search keys: the names lower-cased with only a-z and 0-9 kept, so a
    -- prefix is an index range whatever the database collation.
    "forename_key" TEXT,
    "surname_key" TEXT,
    -- Who holds the case, refreshed on every write and by the daily
    -- recompute: the staff member of the current allocation, the case's
    -- team (else that staff member's team) and the team's PDU.
    "staff_code" TEXT,
    "team_code" TEXT,
    "pdu_code" TEXT
);
CREATE INDEX "cases_surname" ON "cases" ("surname_key", "forename_key");
CREATE INDEX "cases_forename" ON "cases" ("forename_key", "surname_key");
CREATE INDEX "cases_dob" ON "cases" ("person_date_of_birth");
CREATE INDEX "cases_staff" ON "cases" ("staff_code");
CREATE INDEX "cases_team" ON "cases" ("team_code");
CREATE INDEX "cases_pdu" ON "cases" ("pdu_code");

CREATE TABLE "addresses" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "ord" INTEGER NOT NULL,
    "id" TEXT NOT NULL,
    "from" DATE NOT NULL,
    "to" DATE,
    "kind" TEXT NOT NULL,
    "status" TEXT,
    PRIMARY KEY ("case_id", "ord")
);

CREATE TABLE "allocations" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "ord" INTEGER NOT NULL,
    "id" TEXT NOT NULL,
    "from" DATE NOT NULL,
    "to" DATE,
    "staff_code" TEXT NOT NULL,
    "grade" TEXT,
    "staff_left_on" DATE,
    "staff_long_term_absence_from" DATE,
    PRIMARY KEY ("case_id", "ord")
);

CREATE TABLE "events" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "ord" INTEGER NOT NULL,
    "id" TEXT NOT NULL,
    "has_sentence" INTEGER NOT NULL,
    "sentence_type" TEXT,
    "sentence_date" DATE,
    "sentence_length_months" INTEGER,
    "sentence_release_date" DATE,
    "sentence_end_date" DATE,
    "sentence_pss_end_date" DATE,
    "sentence_terminated_on" DATE,
    "has_victim_referral_outcome" INTEGER NOT NULL,
    "victim_referral_outcome_date" DATE,
    "victim_referral_outcome_outcome" TEXT,
    PRIMARY KEY ("case_id", "ord")
);

CREATE TABLE "offences" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "parent_ord" INTEGER NOT NULL,
    "ord" INTEGER NOT NULL,
    "id" TEXT NOT NULL,
    "code" TEXT,
    "category" TEXT NOT NULL,
    "main" INTEGER,
    "domestic_abuse" INTEGER,
    PRIMARY KEY ("case_id", "parent_ord", "ord")
);

CREATE TABLE "reports" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "parent_ord" INTEGER NOT NULL,
    "ord" INTEGER NOT NULL,
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "requested" DATE NOT NULL,
    "completed" DATE,
    "outstanding_checks_reason" TEXT,
    PRIMARY KEY ("case_id", "parent_ord", "ord")
);

CREATE TABLE "contacts" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "ord" INTEGER NOT NULL,
    "id" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "type" TEXT NOT NULL,
    "national_standard" INTEGER,
    "appointment" INTEGER,
    "outcome" TEXT,
    "outcome_on" DATE,
    "booked_on" DATE,
    PRIMARY KEY ("case_id", "ord")
);

CREATE TABLE "enforcement" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "ord" INTEGER NOT NULL,
    "id" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "contact" TEXT,
    "date" DATE NOT NULL,
    "action" TEXT NOT NULL,
    "reason" TEXT,
    PRIMARY KEY ("case_id", "ord")
);

CREATE TABLE "breaches" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "ord" INTEGER NOT NULL,
    "id" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "initiated" DATE NOT NULL,
    "pack_sent" DATE,
    "resolved" DATE,
    "outcome" TEXT,
    PRIMARY KEY ("case_id", "ord")
);

CREATE TABLE "recalls" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "ord" INTEGER NOT NULL,
    "id" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "date" DATE NOT NULL,
    PRIMARY KEY ("case_id", "ord")
);

CREATE TABLE "registrations" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "ord" INTEGER NOT NULL,
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "next_review" DATE,
    "level" TEXT,
    "category" TEXT,
    "deregistered" DATE,
    PRIMARY KEY ("case_id", "ord")
);

CREATE TABLE "registration_reviews" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "parent_ord" INTEGER NOT NULL,
    "ord" INTEGER NOT NULL,
    "date" DATE NOT NULL,
    PRIMARY KEY ("case_id", "parent_ord", "ord")
);

CREATE TABLE "registration_decisions" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "ord" INTEGER NOT NULL,
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "reason" TEXT,
    PRIMARY KEY ("case_id", "ord")
);

CREATE TABLE "assessments" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "ord" INTEGER NOT NULL,
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "completed" DATE,
    "level" TEXT,
    PRIMARY KEY ("case_id", "ord")
);

CREATE TABLE "checks" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "ord" INTEGER NOT NULL,
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "requested" DATE,
    "received" DATE,
    "relevant_information" INTEGER,
    "report" TEXT,
    PRIMARY KEY ("case_id", "ord")
);

CREATE TABLE "changes" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "ord" INTEGER NOT NULL,
    "id" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "kind" TEXT NOT NULL,
    "note" TEXT,
    PRIMARY KEY ("case_id", "ord")
);

CREATE TABLE "decisions" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "ord" INTEGER NOT NULL,
    "id" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "reason" TEXT,
    PRIMARY KEY ("case_id", "ord")
);

-- Victims' names and contact details: victim liaison staff only (the API
-- redacts them for everyone else).
CREATE TABLE "victims" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "ord" INTEGER NOT NULL,
    "id" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "referred" DATE,
    "first_contact" DATE,
    "scheme" TEXT,
    "opted" TEXT,
    "opted_on" DATE,
    "representations" DATE,
    "release_notified" DATE,
    "recall_notified" DATE,
    "name" TEXT,
    "address" TEXT,
    "phone" TEXT,
    "email" TEXT,
    "notes" TEXT,
    PRIMARY KEY ("case_id", "ord")
);

-- ---- Derived: what the rules engine made of each case -----------------------

-- Every obligation of every case as of its last evaluation. "status" is what
-- does not change with the date (met, met_late, unmet); open versus overdue
-- is decided at query time from "due". "severity" is ck_severity (0
-- critical, 1 high, 2 normal), which sorts in the rulebook's order. Who holds
-- the case is copied from "cases" so worklists are one index range.
CREATE TABLE "obligations" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "rule" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "due" DATE NOT NULL,
    "met_on" DATE,
    "status" TEXT NOT NULL CHECK ("status" IN ('met', 'met_late', 'unmet')),
    "severity" INTEGER NOT NULL CHECK ("severity" IN (0, 1, 2)),
    "explanation" TEXT NOT NULL,
    "staff_code" TEXT,
    "team_code" TEXT,
    "pdu_code" TEXT,
    PRIMARY KEY ("case_id", "rule", "subject")
);
CREATE INDEX "obligations_staff" ON "obligations" ("staff_code", "status", "severity", "due");
CREATE INDEX "obligations_team" ON "obligations" ("team_code", "status", "severity", "due");
CREATE INDEX "obligations_pdu" ON "obligations" ("pdu_code", "status", "severity", "due");

-- Failures to comply of each CO/SSO in force, from the same evaluation.
CREATE TABLE "failures_to_comply" (
    "case_id" BIGINT NOT NULL REFERENCES "cases" ("case_id"),
    "ord" INTEGER NOT NULL,
    "event" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "since" DATE,
    PRIMARY KEY ("case_id", "ord")
);

-- Small settings the code keeps: "obligations_as_of" is the date every
-- case's obligations were last recomputed at, so the server knows when the
-- daily recompute is due.
CREATE TABLE "meta" (
    "key" TEXT PRIMARY KEY,
    "value" TEXT NOT NULL
);
