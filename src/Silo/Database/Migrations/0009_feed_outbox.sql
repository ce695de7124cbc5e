-- One writer per feed (issue 16). Until now every producer appended to feed_items itself, inside its
-- own transaction, through coordination_append_feed_item (migrations 0002, 0004 and 0005), taking the
-- agency's feed_heads row lock for order. Now a producer commits its change together with the feed
-- entries it causes in this outbox, in one transaction, and hands them to each agency's feed grain,
-- which alone writes feed_items and feed_heads: it numbers the items from the head it holds, skips
-- keys it has already appended, and deletes the outbox rows it consumed in the same transaction.
-- Rows left here (a producer that died before the hand-off, a feed that was unreachable) are
-- delivered by the feed on activation, woken by every silo's DeadlineSweeper.
CREATE TABLE feed_outbox (
    agency_id text NOT NULL,
    change_id uuid NOT NULL,        -- the producer's change (one transaction): consumed as a whole
    position  integer NOT NULL,     -- order within the change: settlements, then items
    caused_at timestamptz NOT NULL, -- the producer's clock: items' occurred_at and deadlines count from it
    entry     jsonb NOT NULL,       -- {"item": NewFeedItem} or {"settlement": FeedSettlement}
    PRIMARY KEY (agency_id, change_id, position)
);
CREATE INDEX feed_outbox_caused_idx ON feed_outbox (caused_at);

-- The function had one signature since 0004 (0005 replaced its body).
DROP FUNCTION coordination_append_feed_item(text, text, uuid, text, text, text, text, text, text, text,
    timestamptz, boolean, timestamptz, text, jsonb, timestamptz[]);
