-- Responses of commands sent with an Idempotency-Key, replayed on retry. A row without a status
-- is a request in progress; its lease lets a retry take over after a crash.
CREATE TABLE idempotent_requests (
    scope        text NOT NULL,
    key          text NOT NULL,
    request_hash text NOT NULL,
    status       integer NULL,
    location     text NULL,
    body         text NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
