-- Notifications (issue 17): every item that requires acknowledgement walks its agency's escalation
-- levels until acknowledged. The walk hangs on the feed's own deadline machinery: notify_at is the
-- next level's due time (or, while a level is being sent, when to look again), woken like
-- next_escalation_at by the feed's one timer and DeadlineSweeper, and cleared by acknowledgement.
ALTER TABLE feed_items
    ADD COLUMN notify_level integer NOT NULL DEFAULT 0,
    ADD COLUMN notify_at timestamptz NULL;
CREATE INDEX feed_items_notify_idx ON feed_items (agency_id, notify_at) WHERE notify_at IS NOT NULL;
CREATE INDEX feed_items_notify_all_idx ON feed_items (notify_at) WHERE notify_at IS NOT NULL;

-- One claim per (item, level, recipient, channel), taken before anything is sent: a level is sent
-- once. A claim without an outcome whose holder died is taken again after the lease (attempt + 1).
CREATE TABLE notifications (
    item_id uuid NOT NULL,
    level integer NOT NULL,
    recipient text NOT NULL,
    channel text NOT NULL,
    agency_id text NOT NULL,
    attempt integer NOT NULL,
    claimed_at timestamptz NOT NULL,
    outcome text NULL,
    PRIMARY KEY (item_id, level, recipient, channel)
);

-- Every attempt and its outcome, as GET /api/alerts/{id}/notifications shows them; "to" is masked.
CREATE TABLE notification_log (
    id bigserial PRIMARY KEY,
    item_id uuid NOT NULL,
    at timestamptz NOT NULL,
    level integer NOT NULL,
    channel text NOT NULL,
    recipient text NOT NULL,
    masked_to text NOT NULL,
    attempt integer NOT NULL,
    outcome text NOT NULL
);
CREATE INDEX notification_log_item_idx ON notification_log (item_id, id);

-- The links in notifications that acknowledge the item after sign-in: only the token's hash,
-- tied to the item and the user it was sent to, spent by its first use.
CREATE TABLE ack_links (
    token_hash text PRIMARY KEY,
    agency_id text NOT NULL,
    item_id uuid NOT NULL,
    username text NOT NULL,
    created_at timestamptz NOT NULL,
    used_at timestamptz NULL
);

-- An agency's webhook for SMS and messenger gateways: every notification of its levels is POSTed
-- there, signed with the secret (HMAC-SHA256), which is never shown again once set.
CREATE TABLE agency_webhooks (
    agency_id text PRIMARY KEY,
    url text NOT NULL,
    secret text NOT NULL,
    updated_at timestamptz NOT NULL
);
