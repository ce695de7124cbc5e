-- Fixed escalation checkpoints of an item besides its acknowledgement deadline, e.g. 24 h and
-- 2 h before a flight lands for a pickup that nobody has acknowledged yet.
ALTER TABLE feed_items ADD COLUMN checkpoints timestamptz[] NOT NULL DEFAULT '{}';

DROP FUNCTION coordination_append_feed_item(text, text, uuid, text, text, text, text, text, text, text,
                                            timestamptz, boolean, timestamptz, text, jsonb);

CREATE FUNCTION coordination_append_feed_item(
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
                            next_escalation_at, data, checkpoints)
    VALUES (p_agency, v_seq, p_id, p_dedupe, p_type, p_kind, p_case, p_committee, p_task,
            p_summary, p_urgency, p_occurred, p_requires_ack, p_ack_deadline, p_caused_by,
            CASE WHEN p_requires_ack THEN p_ack_deadline END, p_data, COALESCE(p_checkpoints, '{}'));

    RETURN QUERY SELECT v_seq, p_id, p_occurred, p_ack_deadline, NULL::timestamptz, NULL::text, true;
END
$$;
