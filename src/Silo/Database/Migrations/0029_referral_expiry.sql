-- Referrals that nobody can drop (issue 19): while an open case has a pending referral, the case's row
-- carries the earliest answer deadline of its pending referrals, written by the commit that refers,
-- answers or ends the case, so that every silo finds the referrals nobody answered in time with one
-- indexed look (the case wake-ups, like follow-ups and the arrival watch). Referrals pending before
-- this release have no deadline of their own: they are due by the default answer times after they
-- were made (Critical 1 hour, Urgent 8 hours, Routine 2 days), as the grains reckon them too.
ALTER TABLE cases ADD COLUMN referral_due_at timestamptz NULL;
CREATE INDEX cases_referral_due_at ON cases (referral_due_at) WHERE referral_due_at IS NOT NULL;
UPDATE cases SET referral_due_at = due.at
FROM (
    SELECT c.id, min(coalesce((r->>'answerBy')::timestamptz,
        (r->>'at')::timestamptz + CASE c.urgency WHEN 'Critical' THEN interval '1 hour'
                                                 WHEN 'Urgent' THEN interval '8 hours'
                                                 ELSE interval '2 days' END)) AS at
    FROM cases c, jsonb_array_elements(c.state->'referrals') r
    WHERE c.status NOT IN ('Closed', 'Withdrawn') AND r->>'status' = 'Pending'
    GROUP BY c.id
) due
WHERE cases.id = due.id;
