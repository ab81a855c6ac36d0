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

-- The diary reads an officer's appointments by date, and a team's or the
-- clash check's appointments of a date range.
CREATE INDEX "contacts_officer_date" ON "contacts" ("officer", "date") WHERE "appointment" = 1;
CREATE INDEX "contacts_appointment_date" ON "contacts" ("date") WHERE "appointment" = 1;
