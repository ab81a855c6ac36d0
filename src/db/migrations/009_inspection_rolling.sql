-- A month's inspection snapshot now stands for the twelve months to the
-- month's last day (the current month's: to the day before it was taken),
-- the period the inspection page's headline reads, so the headline and its
-- monthly history come from the same code (services/ck_inspection.h,
-- "Months"). Snapshots stored before scored the calendar month alone: they
-- are dropped, and the nightly job (the server's daily recompute, or
-- `casekeeper recompute`) writes them again with the new meaning.
DELETE FROM "inspection_snapshots";
