-- Reintegration follow-ups (api.md, "After arrival"). A case's follow-ups live in its state; the
-- row carries when the next one falls due, written by the commit that changes them, so that every
-- silo finds the cases to wake with one indexed look (FollowUpWakeUps) however many months ahead
-- they were scheduled. The events that raise and record a follow-up name it and its outcome.
ALTER TABLE cases ADD COLUMN next_follow_up_at timestamptz NULL;
CREATE INDEX cases_next_follow_up_at ON cases (next_follow_up_at) WHERE next_follow_up_at IS NOT NULL;
ALTER TABLE case_events ADD COLUMN follow_up integer NULL;
ALTER TABLE case_events ADD COLUMN outcome text NULL;
