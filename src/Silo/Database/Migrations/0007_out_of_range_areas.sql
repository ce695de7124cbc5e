-- Repairs committee tasks stored with an action plan area outside the enumeration (issue 15).
--
-- Before enumerations were read strictly, an area such as "Prosecution, Coordination" was read as
-- a flag combination (2 | 4) and stored as 6. Grain state is JSON written by the ADO.NET provider's
-- serializer with areas as numbers; a number outside 0–4 cannot be written as an area name, so
-- that committee's plan, report and task answered 500 for good. The areas are Prevention (0),
-- Protection (1), Prosecution (2), Partnership (3) and Coordination (4): a combination of them
-- above 4 always includes Coordination, so that is the area such a task gets back (and anything
-- else outside the range too). The task keeps everything else; the secretary may move it.
--
-- Cases need no repair: their state was always written as names, and a value outside an
-- enumeration failed to be written at all.
--
-- The version is bumped so that a committee still active on a silo of the previous release
-- cannot write its broken copy back over the repair: its next write conflicts and it reloads.
UPDATE orleansstorage
SET payloadbinary = convert_to(
        regexp_replace(convert_from(payloadbinary, 'UTF8'), '"Area":(-[0-9]+|[5-9]|[0-9]{2,})([,}])', '"Area":4\2', 'g'),
        'UTF8'),
    version = version + 1,
    modifiedon = now()
WHERE graintypestring = 'committee'
  AND payloadbinary IS NOT NULL
  AND convert_from(payloadbinary, 'UTF8') ~ '"Area":(-[0-9]+|[5-9]|[0-9]{2,})[,}]';
