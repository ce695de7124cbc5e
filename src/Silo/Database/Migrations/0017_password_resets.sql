-- Password reset by a one-time link (issue 21): an administrator issues a link, the user opens it and
-- chooses a new password. Only a hash of the link's token is kept (whoever reads the table cannot use
-- it); one link per user at a time, a new one replacing the old; the link is spent by its first use.
ALTER TABLE users ADD COLUMN reset_token_hash text NULL, ADD COLUMN reset_expires_at timestamptz NULL;
CREATE UNIQUE INDEX users_reset_token_hash ON users (reset_token_hash) WHERE reset_token_hash IS NOT NULL;
