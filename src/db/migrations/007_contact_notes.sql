-- Notes on contacts (issue 13): the practitioner's free text, whether the
-- contact is sensitive (its notes shown only to those services/ck_access
-- lets see sensitive contacts, docs/security.md) and who recorded it (a
-- staff code, else an account's username). Columns named by the contact's
-- bundle keys, as the store's mapping (core/ck_case.c) requires.
ALTER TABLE "contacts" ADD COLUMN "notes" TEXT;
ALTER TABLE "contacts" ADD COLUMN "sensitive" INTEGER;
ALTER TABLE "contacts" ADD COLUMN "recorded_by" TEXT;

-- The full-text index over notes, one per backend with the same meaning
-- (store/ck_activity builds the query): English stemming (Porter on
-- SQLite, the Snowball English stemmer on PostgreSQL), words ANDed, only
-- contacts that have notes indexed.
{{SQLITE}}
-- An external-content FTS5 table over "contacts" (rowid is the contact row's
-- rowid), kept in step by triggers. The store deletes and re-inserts a
-- case's rows on a rewrite, so insert and delete are the ones that matter.
CREATE VIRTUAL TABLE "contact_notes_fts" USING fts5(
    "notes", content = 'contacts', content_rowid = 'rowid', tokenize = 'porter unicode61'
);
CREATE TRIGGER "contact_notes_ai" AFTER INSERT ON "contacts" WHEN NEW."notes" IS NOT NULL BEGIN
    INSERT INTO "contact_notes_fts" ("rowid", "notes") VALUES (NEW."rowid", NEW."notes");
END;
CREATE TRIGGER "contact_notes_ad" AFTER DELETE ON "contacts" WHEN OLD."notes" IS NOT NULL BEGIN
    INSERT INTO "contact_notes_fts" ("contact_notes_fts", "rowid", "notes") VALUES ('delete', OLD."rowid", OLD."notes");
END;
CREATE TRIGGER "contact_notes_au" AFTER UPDATE OF "notes" ON "contacts" BEGIN
    INSERT INTO "contact_notes_fts" ("contact_notes_fts", "rowid", "notes")
        SELECT 'delete', OLD."rowid", OLD."notes" WHERE OLD."notes" IS NOT NULL;
    INSERT INTO "contact_notes_fts" ("rowid", "notes") SELECT NEW."rowid", NEW."notes" WHERE NEW."notes" IS NOT NULL;
END;
{{END}}
{{PG}}
-- A GIN index over the notes' English tsvector; queries repeat the indexed
-- expression and its predicate so the planner can use it.
CREATE INDEX "contacts_notes_fts" ON "contacts" USING GIN (to_tsvector('english', "notes"))
    WHERE "notes" IS NOT NULL;
{{END}}
