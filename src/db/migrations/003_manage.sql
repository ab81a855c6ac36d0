-- Managing the service: settings of allocation and the inspection score,
-- the funded posts of each team, the organisational inspection standards a
-- head of PDU enters, monthly inspection snapshots, and quality-assurance
-- case audits. Same conventions as 001_init.sql (every identifier quoted,
-- DATE columns, {{ID}} for auto-numbered keys).

-- ---- Settings ---------------------------------------------------------------
-- The one place these values live. Each row carries its source, as
-- config/rules.conf does, so a local default is never mistaken for law. A
-- deployment changes a value with UPDATE (or PUT /api/v1/manage/settings/KEY);
-- store/ck_manage_cfg reads them and refuses a value it cannot parse.
CREATE TABLE "manage_settings" (
    "key" TEXT PRIMARY KEY,
    "value" TEXT NOT NULL,
    "source" TEXT NOT NULL
);

-- Who may hold cases at all: manage-a-workforce-ui lists PSO, PQiP and PO
-- practitioners for allocation (rules-and-sources.md section 7).
INSERT INTO "manage_settings" ("key", "value", "source") VALUES
('allocate.grades', 'PO PQiP PSO', 'hmpps-allocations / manage-a-workforce-ui list PSO, PQiP and PO practitioners');
-- The grade rule: the highest RoSH and MAPPA level a grade may hold. PSOs
-- hold low and medium RoSH (historic NOMS role boundary, PC 90/2005); the
-- current matrix is unconfirmed, so this is a local default. A grade without
-- a row may hold any level.
INSERT INTO "manage_settings" ("key", "value", "source") VALUES
('allocate.max_rosh.PSO', 'medium', 'local default (historic NOMS role boundary, PC 90/2005; current matrix unconfirmed)'),
('allocate.max_mappa.PSO', 'M1', 'local default (rules-and-sources.md section 7: a PSO not for MAPPA level 2/3)');
-- The overall band of the PDU score out of 27 (9 standards x 0-3 points).
-- The published bands are for the older 30-point framework (0-5 Inadequate,
-- 6-15 Requires improvement, 16-25 Good, 26-30 Outstanding); scaled by 27/30
-- the lower bounds 6, 16, 26 become 5.4, 14.4, 23.4, rounded up to whole
-- points: 6, 15, 24. Unconfirmed: a local default.
INSERT INTO "manage_settings" ("key", "value", "source") VALUES
('inspection.band.requires_improvement_min', '6', 'local default (30-point bands scaled to 27, rules-and-sources.md section 8)'),
('inspection.band.good_min', '15', 'local default (30-point bands scaled to 27, rules-and-sources.md section 8)'),
('inspection.band.outstanding_min', '24', 'local default (30-point bands scaled to 27, rules-and-sources.md section 8)');

-- ---- Workforce --------------------------------------------------------------

-- Funded posts (full-time equivalents) of each grade in a team: the
-- establishment that staff in post and vacancies are measured against.
CREATE TABLE "team_posts" (
    "team" TEXT NOT NULL REFERENCES "teams" ("code"),
    "grade" TEXT NOT NULL,
    "fte" DOUBLE PRECISION NOT NULL,
    PRIMARY KEY ("team", "grade")
);

-- When a vacancy was filled (NULL: still vacant).
ALTER TABLE "vacancies" ADD COLUMN "filled_on" DATE;

-- ---- Continuous inspection --------------------------------------------------

-- The organisational standards (leadership, staff, services, information and
-- facilities) as a head of PDU rates them, with the evidence. Entries are
-- kept: the latest on or before a date is the rating at that date.
CREATE TABLE "inspection_org_ratings" (
    "rating_id" {{ID}},
    "pdu" TEXT NOT NULL REFERENCES "pdus" ("code"),
    "standard" TEXT NOT NULL,
    "rating" INTEGER NOT NULL CHECK ("rating" BETWEEN 0 AND 3),
    "evidence" TEXT NOT NULL,
    "entered_by" TEXT NOT NULL,
    "entered_on" DATE NOT NULL
);
CREATE INDEX "inspection_org_ratings_pdu" ON "inspection_org_ratings" ("pdu", "standard", "entered_on");

-- A PDU's inspection figures for one calendar month ("YYYY-MM"), as computed
-- on computed_on; "report" is the JSON the API serves.
CREATE TABLE "inspection_snapshots" (
    "pdu" TEXT NOT NULL REFERENCES "pdus" ("code"),
    "month" TEXT NOT NULL,
    "computed_on" DATE NOT NULL,
    "points" INTEGER NOT NULL,
    "report" TEXT NOT NULL,
    PRIMARY KEY ("pdu", "month")
);

-- ---- Quality-assurance case audit -------------------------------------------

CREATE TABLE "qa_samples" (
    "sample_id" {{ID}},
    "pdu" TEXT NOT NULL REFERENCES "pdus" ("code"),
    "seed" BIGINT NOT NULL,
    "per_team" INTEGER NOT NULL,
    "from" DATE NOT NULL,
    "to" DATE NOT NULL,
    "drawn_by" TEXT NOT NULL,
    "drawn_on" DATE NOT NULL
);

CREATE TABLE "qa_sample_cases" (
    "sample_id" BIGINT NOT NULL REFERENCES "qa_samples" ("sample_id"),
    "ord" INTEGER NOT NULL,
    "crn" TEXT NOT NULL,
    "team" TEXT NOT NULL,
    PRIMARY KEY ("sample_id", "ord")
);

-- An auditor's answer to one key question on one sampled case: 1 when the
-- work was sufficient, 0 when not.
CREATE TABLE "qa_answers" (
    "sample_id" BIGINT NOT NULL REFERENCES "qa_samples" ("sample_id"),
    "crn" TEXT NOT NULL,
    "question" TEXT NOT NULL,
    "sufficient" INTEGER NOT NULL CHECK ("sufficient" IN (0, 1)),
    "note" TEXT,
    "answered_by" TEXT NOT NULL,
    "answered_on" DATE NOT NULL,
    PRIMARY KEY ("sample_id", "crn", "question")
);
