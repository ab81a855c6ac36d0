-- Domain events (issue 17 point 7; store/ck_events, docs/api.md "Events").
--
-- The outbox: one row an event, written in the same transaction as the
-- change it tells of, just before that transaction commits. Thin: the type,
-- the case's CRN and the time, never a name or any other personal data; the
-- detail's URL follows from the type (store/ck_events' table). "id" is
-- assigned under one lock held until commit (PostgreSQL: an advisory
-- transaction lock; SQLite: the write lock), as the highest id plus one, so
-- ids increase in commit order with no gaps: a poller reading after its last
-- id never skips an event committed later. "dedupe" is set for events that
-- must be written once whatever runs twice (obligation.overdue); NULL
-- otherwise. Times are seconds since 1970 (UTC).
CREATE TABLE "domain_events" (
    "id" BIGINT PRIMARY KEY,
    "type" TEXT NOT NULL,
    "crn" TEXT NOT NULL,
    "occurred_at" BIGINT NOT NULL,
    "dedupe" TEXT UNIQUE
);

-- Each configured webhook's cursor (services/ck_webhooks): every event up to
-- "delivered_to" was accepted by the receiver; the next batch is tried at
-- "next_attempt_at" after "attempts" failures, the last one's reason in
-- "error". Keyed by the webhook's name in the webhooks file.
CREATE TABLE "webhook_cursors" (
    "name" TEXT PRIMARY KEY,
    "delivered_to" BIGINT NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" BIGINT NOT NULL DEFAULT 0,
    "error" TEXT
);

-- Only one server delivers: a named lease of its own (020, store/ck_jobs).
INSERT INTO "leases" ("name", "holder", "until") VALUES ('webhooks', NULL, 0);
