-- 0005_committees: indexes for the queries of committees and statistics. Action plans themselves
-- live in Orleans grain storage (OrleansStorage, provider "coordination", state "committee").

-- Statistics select a country's cases flagged in a period...
CREATE INDEX cases_citizenship_created_idx ON cases (citizenship, created_at);
-- ...and count the events of a type inside a period.
CREATE INDEX case_events_type_at_idx ON case_events (type, at);
-- A plan shows which assignments their owners have acknowledged.
CREATE INDEX feed_items_committee_idx ON feed_items (committee_id, type) WHERE committee_id IS NOT NULL;
