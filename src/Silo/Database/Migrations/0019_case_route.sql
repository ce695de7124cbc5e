-- Case lists filter by route (issue 21, with issue 19's routes). The route becomes a column like the
-- status and the urgency, which every write of a case sets from the case; the rows written before
-- take it from their state here, once (cases written before routes existed are returns).
ALTER TABLE cases ADD COLUMN route text NOT NULL DEFAULT 'Return';
UPDATE cases SET route = coalesce(state->>'route', 'Return');
