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
