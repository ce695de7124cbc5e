-- Retention of personal data (issue 18): a case's personal data is erased automatically once it
-- has been closed or withdrawn for Coordination:Retention:AfterClosed. retention_from is when that
-- period began — the case's closure or withdrawal — and is null while the case is open and once its
-- personal data is erased, so the silos find what is due with one indexed look. Every write of a
-- case sets it from the case; the rows written before take it from their timelines here, once.
ALTER TABLE cases ADD COLUMN retention_from timestamptz NULL;
UPDATE cases c SET retention_from = (
    SELECT max(e.at) FROM case_events e WHERE e.case_id = c.id AND e.type IN ('Closed', 'Withdrawn'))
WHERE c.status IN ('Closed', 'Withdrawn') AND NOT (c.state ? 'personalDataErasedAt' AND c.state->>'personalDataErasedAt' IS NOT NULL);
CREATE INDEX cases_retention_from ON cases (retention_from) WHERE retention_from IS NOT NULL;
