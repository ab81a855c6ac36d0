-- The worklist page cache's trigger on "cases" (migration 032), on
-- PostgreSQL: a page shows a case's CRN and names only, but the statement
-- trigger with transition tables fired on every UPDATE of "cases" (a
-- column list is not allowed beside transition tables), so each recompute
-- write of a case's derived columns (a national `recompute --all` writes
-- every case) copied its old and new rows into two tuplestores and joined
-- them, to find nothing. A row trigger on those three columns is not even
-- queued for an UPDATE that does not set one of them, and its WHEN skips one
-- that sets them unchanged (a case write sets every column). A rename is
-- rare: one statement per renamed case, reading its obligations by the
-- "case_id" index. SQLite's trigger is a row trigger on those columns
-- already.
{{PG}}
DROP TRIGGER "worklist_cases_u" ON "cases";
DROP FUNCTION "worklist_touch_cases"();
CREATE FUNCTION "worklist_touch_case"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "worklist_touched" ("scope")
    SELECT DISTINCT "v"."s" FROM "obligations" "o",
        LATERAL (VALUES ('s:' || "o"."staff_code"), ('t:' || "o"."team_code"), ('p:' || "o"."pdu_code")) AS "v" ("s")
    WHERE "o"."case_id" = NEW."case_id" AND "v"."s" IS NOT NULL
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER "worklist_cases_u" AFTER UPDATE OF "crn", "person_forename", "person_surname" ON "cases"
    FOR EACH ROW
    WHEN (OLD."crn" IS DISTINCT FROM NEW."crn" OR OLD."person_forename" IS DISTINCT FROM NEW."person_forename"
          OR OLD."person_surname" IS DISTINCT FROM NEW."person_surname")
    EXECUTE FUNCTION "worklist_touch_case"();
{{END}}
