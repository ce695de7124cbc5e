-- Duty rotas (issue 17): who of an agency is on duty when. One JSON document per agency, replaced
-- whole by its coordinator; the escalation of alerts reads it to find the person on duty.
CREATE TABLE duty_rotas (
    agency_id text PRIMARY KEY,
    data jsonb NOT NULL,
    updated_at timestamptz NOT NULL
);
