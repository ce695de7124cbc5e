-- The re-trafficking signal (api.md, "After arrival"): a new case whose person matches an earlier
-- case's. The match is the statistics' rule (PersonIdentity); to find the earlier cases without
-- reading every case of the country, each row carries a hash of its person's name mark (normalised
-- full name, birth year and citizenship, all of which the row's state holds in clear already), never
-- the passport (sealed in the state). NULL once the person's data is erased: erased persons are not
-- matched. Rows written before this migration get theirs when their case is next written.
ALTER TABLE cases ADD COLUMN person_mark text NULL;
CREATE INDEX cases_person_mark ON cases (person_mark) WHERE person_mark IS NOT NULL;
