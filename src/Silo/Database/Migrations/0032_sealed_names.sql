-- Names encrypted at rest (issue 18). The person's full name joins the passport number and phone as
-- ciphertext in cases.state (CaseStateCodec), so the row's person mark can no longer be a plain hash
-- of the name, which anyone holding the database could recompute from a list of names: it becomes an
-- HMAC under a secret that exists only encrypted with the silos' Data Protection key ring.
--
-- protected_secrets holds such secrets, one row per purpose, created once by the first silo that
-- needs one (INSERT ... ON CONFLICT DO NOTHING, then everybody reads the winner's).
CREATE TABLE protected_secrets (
    name text PRIMARY KEY,
    protected_value text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Which layout of cases.state a row is in: 1 = names in clear and a plain-hash person mark (every row
-- written before this migration), 2 = names sealed and a keyed mark. Each silo rewrites rows of an
-- older layout at start (CaseStateUpgrade); a case's own next commit writes the current one anyway.
ALTER TABLE cases ADD COLUMN state_format smallint NOT NULL DEFAULT 1;
CREATE INDEX cases_state_format_old ON cases (id) WHERE state_format < 2;
