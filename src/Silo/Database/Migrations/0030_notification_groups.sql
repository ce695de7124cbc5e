-- Grouping of notifications (issue 17, noise control): the e-mail levels of non-Critical items to one
-- recipient within the group wait go out as one message. A level's claim (notifications) joins the
-- recipient's open group instead of being sent; the group is sent once, when due, by whichever of its
-- members' walkers takes its send claim (a lease, as a level's claim), and its outcome settles every
-- member's claim in the same transaction.
CREATE TABLE notification_groups (
    id uuid PRIMARY KEY,
    recipient text NOT NULL,
    channel text NOT NULL,
    opened_at timestamptz NOT NULL,
    -- When the message is due (the earliest of its members' group waits), or its next attempt after a failure.
    due_at timestamptz NOT NULL,
    -- Set by the walker sending it; a member joins only a group nobody has begun sending.
    sending_since timestamptz NULL,
    attempt integer NOT NULL DEFAULT 0,
    outcome text NULL
);
CREATE INDEX notification_groups_open_idx ON notification_groups (recipient, channel) WHERE sending_since IS NULL AND outcome IS NULL;

-- The levels a group carries: each is one claim of notifications.
CREATE TABLE notification_group_items (
    group_id uuid NOT NULL REFERENCES notification_groups (id),
    item_id uuid NOT NULL,
    level integer NOT NULL,
    agency_id text NOT NULL,
    PRIMARY KEY (group_id, item_id, level)
);
CREATE INDEX notification_group_items_level_idx ON notification_group_items (item_id, level);

-- "grouped with 39 others": how many other items shared the message an attempt was part of.
ALTER TABLE notification_log ADD COLUMN grouped_with integer NULL;
