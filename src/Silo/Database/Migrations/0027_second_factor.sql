-- A second factor for sign-in (issue 18): a TOTP secret per account, kept encrypted with the silos'
-- Data Protection key ring (never in clear in the database), the last time step accepted (a code
-- is accepted once), and hashes of the single-use recovery codes. A secret being enrolled waits in
-- pending_secret until a first code from it confirms it.
CREATE TABLE user_second_factors (
    username text PRIMARY KEY REFERENCES users (username),
    protected_secret text NULL,
    pending_secret text NULL,
    enrolled_at timestamptz NULL,
    last_step bigint NOT NULL DEFAULT 0,
    recovery_hashes text[] NOT NULL DEFAULT '{}'
);
