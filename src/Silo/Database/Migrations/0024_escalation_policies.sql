-- Escalation policies (issue 17): whom an agency's unacknowledged items notify, after how long, and
-- its quiet hours. One JSON document per agency, replaced whole by its coordinator.
CREATE TABLE escalation_policies (
    agency_id text PRIMARY KEY,
    data jsonb NOT NULL,
    updated_at timestamptz NOT NULL
);
