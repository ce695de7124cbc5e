-- Web Push (issue 17): the browsers a user subscribed through the dashboard's service worker, when
-- the server has VAPID keys (Coordination:Notify:WebPush). Each level of an escalation walk is pushed
-- to every subscription of its person, under its own claim (channel 'push') in notifications. A
-- subscription the push service says is gone (404/410) is deleted.
CREATE TABLE push_subscriptions (
    username text NOT NULL,
    endpoint text NOT NULL,
    p256dh text NOT NULL,
    auth text NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (username, endpoint)
);
