-- The arrival watch (issue 19): while a journey home is booked or under way and its arrival is not
-- recorded, the case's row carries the scheduled arrival, written by the commit that books, delays or
-- ends the journey, so that every silo finds the arrivals nobody confirmed with one indexed look (the
-- case wake-ups, like follow-ups). Journeys booked before this release are watched from their
-- arrival on if it is still ahead; past ones raise nothing.
ALTER TABLE cases ADD COLUMN arrival_watch_at timestamptz NULL;
CREATE INDEX cases_arrival_watch_at ON cases (arrival_watch_at) WHERE arrival_watch_at IS NOT NULL;
UPDATE cases SET arrival_watch_at = (state->'travel'->>'scheduledArrival')::timestamptz
WHERE status IN ('TravelBooked', 'InTransit')
  AND jsonb_typeof(state->'travel') = 'object'
  AND (state->'travel'->>'scheduledArrival')::timestamptz > now();
