-- Places (issue 19: returns by road and rail): border crossings and railway and bus stations where
-- journeys start and end and agencies meet arrivals, each with its time zone. One JSON document per
-- place, keyed by its code; registered by administrators, never edited in place.
CREATE TABLE places (
    code text PRIMARY KEY,
    data jsonb NOT NULL
);
