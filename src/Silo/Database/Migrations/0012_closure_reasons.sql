-- Why a case was closed (api.md, "After arrival"): on the Closed event itself, so statistics count
-- the closures of a period by reason however often a case was reopened and closed again. Cases
-- closed before reasons existed keep NULL and are counted as such.
ALTER TABLE case_events ADD COLUMN reason text NULL;
