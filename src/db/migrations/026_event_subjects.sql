-- Domain events that are not about one case (store/ck_events, docs/api.md
-- "Events"): a staff member joining, leaving or moving team (staff.*) and an
-- account added, changed, disabled or given or denied a token (account.*).
-- "subject" names what the event is about: the staff code, or the account's
-- number (never a username or a name: the reader asks for the detail with its
-- own access). Such events have the empty CRN. NULL for case events.
ALTER TABLE "domain_events" ADD COLUMN "subject" TEXT;
