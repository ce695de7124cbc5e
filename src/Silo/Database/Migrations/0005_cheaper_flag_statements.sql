-- Cheaper statements on the flag path (measured by deploy/bench.sh, see docs/performance.md).
--
-- Case numbers: look the sequence up before creating it. The first version ran
-- CREATE SEQUENCE IF NOT EXISTS inside an exception block on every flag, which cost a
-- subtransaction, catalog work and a NOTICE to the client each time — the most expensive
-- statement of a flag after the feed append. Now only the first flag of a prefix pays it.
CREATE OR REPLACE FUNCTION coordination_next_case_number(p_prefix text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_name text := 'case_no_' || lower(regexp_replace(p_prefix, '[^A-Za-z0-9]', '_', 'g'));
BEGIN
    IF to_regclass(v_name) IS NULL THEN
        BEGIN
            EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', v_name);
        EXCEPTION WHEN unique_violation OR duplicate_table THEN
            NULL; -- created concurrently by another flag
        END;
    END IF;
    RETURN nextval(v_name::regclass);
END
$$;

-- Feed append: lock the existing head first and create it only for an agency's first item. The
-- versions so far began every append with INSERT ... ON CONFLICT DO NOTHING on the head, a
-- speculative insertion that costs more than the lock itself. Same result, same lock order.
CREATE OR REPLACE FUNCTION coordination_append_feed_item(
    p_agency text, p_dedupe text, p_id uuid, p_type text, p_kind text,
    p_case text, p_committee text, p_task text, p_summary text, p_urgency text,
    p_occurred timestamptz, p_requires_ack boolean, p_ack_deadline timestamptz,
    p_caused_by text, p_data jsonb, p_checkpoints timestamptz[])
RETURNS TABLE (out_seq bigint, out_id uuid, out_occurred timestamptz, out_ack_deadline timestamptz,
               out_acknowledged_at timestamptz, out_acknowledged_by text, out_inserted boolean)
LANGUAGE plpgsql AS $$
DECLARE
    v_seq bigint;
BEGIN
    SELECT h.last_seq INTO v_seq FROM feed_heads h WHERE h.agency_id = p_agency FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO feed_heads (agency_id, last_seq) VALUES (p_agency, 0) ON CONFLICT (agency_id) DO NOTHING;
        SELECT h.last_seq INTO v_seq FROM feed_heads h WHERE h.agency_id = p_agency FOR UPDATE;
    END IF;

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
                            next_escalation_at, data, checkpoints)
    VALUES (p_agency, v_seq, p_id, p_dedupe, p_type, p_kind, p_case, p_committee, p_task,
            p_summary, p_urgency, p_occurred, p_requires_ack, p_ack_deadline, p_caused_by,
            CASE WHEN p_requires_ack THEN p_ack_deadline END, p_data, COALESCE(p_checkpoints, '{}'));

    RETURN QUERY SELECT v_seq, p_id, p_occurred, p_ack_deadline, NULL::timestamptz, NULL::text, true;
END
$$;
