-- Which facts a correction changed (api.md, "After arrival"): the names of the fields on the
-- Corrected event, never their values, so the timeline tells what was corrected without keeping
-- the wrong value beside the right one.
ALTER TABLE case_events ADD COLUMN fields text[] NULL;
