-- Coordination's own tables. Append-only where the field needs a record (case events, feed,
-- audit); every write that a 2xx response promises happens in one transaction.

CREATE TABLE agencies (
    id          text PRIMARY KEY,
    data        jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    username      text PRIMARY KEY,
    password_hash text NOT NULL,
    display_name  text NOT NULL,
    agency_id     text NULL REFERENCES agencies (id),
    roles         text[] NOT NULL,
    language      text NOT NULL DEFAULT 'en',
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- The live state of a case (its grain's state) with the columns queries filter on.
CREATE TABLE cases (
    id          text PRIMARY KEY,
    citizenship text NOT NULL,
    status      text NOT NULL,
    flagged_by  text NOT NULL,
    agencies    text[] NOT NULL,
    version     integer NOT NULL,
    state       jsonb NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX cases_agencies_idx ON cases USING gin (agencies);

CREATE TABLE case_events (
    case_id   text NOT NULL REFERENCES cases (id),
    seq       integer NOT NULL,
    type      text NOT NULL,
    at        timestamptz NOT NULL,
    agency_id text NOT NULL,
    username  text NOT NULL,
    note      text NULL,
    PRIMARY KEY (case_id, seq)
);

-- A retried command with the same key returns what the first one created.
CREATE TABLE idempotency_keys (
    agency_id    text NOT NULL,
    key          text NOT NULL,
    request_hash text NOT NULL,
    resource_id  text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (agency_id, key)
);

-- Gapless per-agency sequence: the head row is locked by each append, so a rolled-back
-- append leaves no hole and readers never see seq n+1 committed before seq n.
CREATE TABLE feed_heads (
    agency_id text PRIMARY KEY,
    last_seq  bigint NOT NULL
);

CREATE TABLE feed_items (
    agency_id          text NOT NULL,
    seq                bigint NOT NULL,
    id                 uuid NOT NULL UNIQUE,
    dedupe_key         text NOT NULL,
    type               text NOT NULL,
    kind               text NOT NULL,
    case_id            text NULL,
    committee_id       text NULL,
    task_id            text NULL,
    summary            text NOT NULL,
    urgency            text NOT NULL,
    occurred_at        timestamptz NOT NULL,
    requires_ack       boolean NOT NULL,
    ack_deadline       timestamptz NULL,
    acknowledged_at    timestamptz NULL,
    acknowledged_by    text NULL,
    caused_by          text NULL,
    escalation_count   integer NOT NULL DEFAULT 0,
    next_escalation_at timestamptz NULL,
    data               jsonb NOT NULL,
    PRIMARY KEY (agency_id, seq),
    UNIQUE (agency_id, dedupe_key)
);
CREATE INDEX feed_items_due_idx ON feed_items (agency_id, next_escalation_at)
    WHERE acknowledged_at IS NULL AND next_escalation_at IS NOT NULL;
CREATE INDEX feed_items_due_all_idx ON feed_items (next_escalation_at)
    WHERE acknowledged_at IS NULL AND next_escalation_at IS NOT NULL;

CREATE TABLE audit_log (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    username  text NOT NULL,
    agency_id text NULL,
    case_id   text NULL,
    action    text NOT NULL,
    fields    text[] NOT NULL DEFAULT '{}',
    address   text NULL
);
CREATE INDEX audit_log_case_idx ON audit_log (case_id, at);

-- Case numbers per citizenship and year (KG-2026-000042). Sequences take no row lock, so
-- concurrent flags never queue behind each other; a number lost to a failed flag is a harmless gap.
CREATE FUNCTION coordination_next_case_number(p_prefix text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_name text := 'case_no_' || lower(regexp_replace(p_prefix, '[^A-Za-z0-9]', '_', 'g'));
BEGIN
    BEGIN
        EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', v_name);
    EXCEPTION WHEN unique_violation OR duplicate_table THEN
        NULL; -- created concurrently by another flag
    END;
    RETURN nextval(v_name::regclass);
END
$$;

-- Appends one item to an agency's feed, or returns the item already appended for the same
-- cause (dedupe key), so re-sending after a failure never duplicates an alert.
CREATE FUNCTION coordination_append_feed_item(
    p_agency text, p_dedupe text, p_id uuid, p_type text, p_kind text,
    p_case text, p_committee text, p_task text, p_summary text, p_urgency text,
    p_occurred timestamptz, p_requires_ack boolean, p_ack_deadline timestamptz,
    p_caused_by text, p_data jsonb)
RETURNS TABLE (out_seq bigint, out_id uuid, out_occurred timestamptz, out_ack_deadline timestamptz,
               out_acknowledged_at timestamptz, out_acknowledged_by text, out_inserted boolean)
LANGUAGE plpgsql AS $$
DECLARE
    v_seq bigint;
BEGIN
    INSERT INTO feed_heads (agency_id, last_seq) VALUES (p_agency, 0) ON CONFLICT (agency_id) DO NOTHING;
    SELECT h.last_seq INTO v_seq FROM feed_heads h WHERE h.agency_id = p_agency FOR UPDATE;

    RETURN QUERY
        SELECT f.seq, f.id, f.occurred_at, f.ack_deadline, f.acknowledged_at, f.acknowledged_by, false
        FROM feed_items f WHERE f.agency_id = p_agency AND f.dedupe_key = p_dedupe;
    IF FOUND THEN
        RETURN;
    END IF;

    v_seq := v_seq + 1;
    UPDATE feed_heads SET last_seq = v_seq WHERE agency_id = p_agency;
    INSERT INTO feed_items (agency_id, seq, id, dedupe_key, type, kind, case_id, committee_id, task_id,
                            summary, urgency, occurred_at, requires_ack, ack_deadline, caused_by,
                            next_escalation_at, data)
    VALUES (p_agency, v_seq, p_id, p_dedupe, p_type, p_kind, p_case, p_committee, p_task,
            p_summary, p_urgency, p_occurred, p_requires_ack, p_ack_deadline, p_caused_by,
            CASE WHEN p_requires_ack THEN p_ack_deadline END, p_data);

    RETURN QUERY SELECT v_seq, p_id, p_occurred, p_ack_deadline, NULL::timestamptz, NULL::text, true;
END
$$;
