-- Case lists with search and filters (issue 21). The urgency becomes a column like the status, which
-- every write of a case sets from the case; the rows written before take it from their state here,
-- once (the one read of the case's JSON by path, in a migration that runs a single time).
ALTER TABLE cases ADD COLUMN urgency text NULL;
UPDATE cases SET urgency = state->>'urgency';
