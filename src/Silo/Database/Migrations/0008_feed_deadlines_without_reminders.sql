-- Feeds no longer keep an Orleans reminder for their acknowledgement deadlines (issue 16): each feed
-- times them with one in-memory timer, and every silo's DeadlineSweeper wakes the feeds with pending
-- deadlines from the database (at start, when a silo dies, and every SweepEvery). The reminders that
-- feeds registered before would otherwise go on firing, once a minute, at grains that no longer take
-- reminders.
DELETE FROM orleansreminderstable WHERE remindername = 'ack-deadlines';
