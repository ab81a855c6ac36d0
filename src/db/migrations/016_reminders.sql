-- Appointment reminders to the person on probation (issue 15).
--
-- Consent (person.consent in the bundle, docs/formats.md "Extension: consent
-- to reminders"): one column a key, mapped by store/ck_store from the
-- descriptors like every other person field. Cases stored before this have
-- no consent.
ALTER TABLE "cases" ADD COLUMN "person_has_consent" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "cases" ADD COLUMN "person_consent_mobile" TEXT;
ALTER TABLE "cases" ADD COLUMN "person_consent_email" TEXT;
ALTER TABLE "cases" ADD COLUMN "person_consent_language" TEXT;
ALTER TABLE "cases" ADD COLUMN "person_consent_given_on" DATE;
ALTER TABLE "cases" ADD COLUMN "person_consent_withdrawn_on" DATE;

-- The outbox (services/ck_reminders): one row a message, planned by the
-- scheduler and sent by it. "reference" is what Notify is sent as the
-- message's reference: a hash of the case, the appointment, its date, the
-- kind and the channel, so planning twice makes one row and a retry after a
-- lost answer finds the first attempt at Notify instead of sending again.
-- No recipient or message text is kept: both are read from the case when the
-- message is sent. Times are seconds since 1970 (UTC).
CREATE TABLE "reminders" (
    "reference" TEXT PRIMARY KEY,
    "crn" TEXT NOT NULL,
    "contact_id" TEXT NOT NULL,
    "appointment_on" DATE NOT NULL,
    "kind" TEXT NOT NULL,            -- booked, day_before
    "channel" TEXT NOT NULL,         -- sms, email
    "status" TEXT NOT NULL,          -- queued, sending, retry, sent, delivered, failed, cancelled
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" BIGINT NOT NULL,
    "notify_id" TEXT,
    "error" TEXT,
    "created_at" BIGINT NOT NULL,
    "updated_at" BIGINT NOT NULL
);
CREATE INDEX "reminders_due" ON "reminders" ("status", "next_attempt_at");
CREATE INDEX "reminders_crn" ON "reminders" ("crn");
CREATE INDEX "reminders_notify_id" ON "reminders" ("notify_id");

-- Which server sends: several servers may share one PostgreSQL database, and
-- only the holder of this lease plans and sends (it renews it as it works;
-- another takes it over once "until" has passed).
CREATE TABLE "reminder_lease" (
    "name" TEXT PRIMARY KEY,
    "holder" TEXT,
    "until" BIGINT NOT NULL
);
INSERT INTO "reminder_lease" ("name", "holder", "until") VALUES ('scheduler', NULL, 0);
