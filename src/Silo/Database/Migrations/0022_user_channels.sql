-- Channels that reach a user away from the screen (issue 17): an e-mail address, verified by a
-- six-digit code sent to it. Only a hash of the code is kept; it is spent by its first right use,
-- and refused after its lifetime or too many wrong tries.
CREATE TABLE user_channels (
    username text PRIMARY KEY REFERENCES users (username),
    email text NULL,
    email_verified_at timestamptz NULL,
    email_code_hash text NULL,
    email_code_expires_at timestamptz NULL,
    email_code_attempts integer NOT NULL DEFAULT 0
);
