-- RSR and OASys needs on assessments (issue 20), which the tier reads.
-- "score" is an rsr assessment's RSR in hundredths of a percent (6.99% is
-- 699; the bundle's number with two decimals), NULL on every other kind.
-- "needs_*" are an oasys assessment's criminogenic needs (no_need, standard,
-- severe); "has_needs" says whether the assessment recorded them at all.
ALTER TABLE "assessments" ADD COLUMN "score" INTEGER;
ALTER TABLE "assessments" ADD COLUMN "has_needs" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "assessments" ADD COLUMN "needs_accommodation" TEXT;
ALTER TABLE "assessments" ADD COLUMN "needs_education_training_employment" TEXT;
ALTER TABLE "assessments" ADD COLUMN "needs_relationships" TEXT;
ALTER TABLE "assessments" ADD COLUMN "needs_lifestyle_associates" TEXT;
ALTER TABLE "assessments" ADD COLUMN "needs_drug_misuse" TEXT;
ALTER TABLE "assessments" ADD COLUMN "needs_alcohol_misuse" TEXT;
ALTER TABLE "assessments" ADD COLUMN "needs_thinking_behaviour" TEXT;
ALTER TABLE "assessments" ADD COLUMN "needs_attitudes" TEXT;

-- What the stored tier was computed without (issue 20: a provisional tier
-- names what is missing wherever it is shown): a comma-separated list of
-- missing inputs, NULL when the tier had everything. Written with "tier".
ALTER TABLE "cases" ADD COLUMN "tier_missing" TEXT;

-- An offence's date of conviction (issue 20: OGRS3's age at conviction),
-- when known; the sentence date stands for it otherwise.
ALTER TABLE "offences" ADD COLUMN "conviction_date" DATE;
