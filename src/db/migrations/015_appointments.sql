-- Appointments as practitioners book them (issue 15): typed start and end
-- times ("HH:MM", Europe/London local time; text, so they compare in
-- order), the officer (a staff code; NULL means the case's practitioner),
-- the place (an office code or video, phone, home visit), cancellation,
-- the reason for a cancellation or rescheduling, the appointment that
-- replaced a rescheduled one, and the iCalendar SEQUENCE. Columns named by
-- the contact's bundle keys, as the store's mapping (core/ck_case.c)
-- requires; core/ck_appt checks the values.
ALTER TABLE "contacts" ADD COLUMN "start_time" TEXT;
ALTER TABLE "contacts" ADD COLUMN "end_time" TEXT;
ALTER TABLE "contacts" ADD COLUMN "officer" TEXT;
ALTER TABLE "contacts" ADD COLUMN "location" TEXT;
ALTER TABLE "contacts" ADD COLUMN "cancelled" INTEGER;
ALTER TABLE "contacts" ADD COLUMN "change_reason" TEXT;
ALTER TABLE "contacts" ADD COLUMN "rescheduled_to" TEXT;
ALTER TABLE "contacts" ADD COLUMN "sequence" INTEGER;

-- The offices of each PDU where appointments are held: organisation data
-- (organisation.jsonl kind "office"), named by a contact's location.
CREATE TABLE "offices" (
    "code" TEXT PRIMARY KEY,
    "pdu" TEXT NOT NULL REFERENCES "pdus" ("code"),
    "name" TEXT NOT NULL,
    "address" TEXT
);
CREATE INDEX "offices_pdu" ON "offices" ("pdu");

-- The diary reads an officer's appointments by date, and a team's or the
-- clash check's appointments of a date range.
CREATE INDEX "contacts_officer_date" ON "contacts" ("officer", "date") WHERE "appointment" = 1;
CREATE INDEX "contacts_appointment_date" ON "contacts" ("date") WHERE "appointment" = 1;

-- Each practitioner's private iCalendar feed of their appointments: only a
-- hash of its secret token (BLAKE2b, hex) is kept, so the URL is shown
-- once; turning the feed on again replaces the token, turning it off
-- deletes the row (web/ck_web_ical).
CREATE TABLE "calendar_feeds" (
    "staff" TEXT PRIMARY KEY,
    "token_hash" TEXT NOT NULL UNIQUE,
    "created_at" BIGINT NOT NULL
);
