-- Security (issue 9): an audit log nobody can rewrite, and account state for lockout,
-- disabling and token revocation.

-- Why a record was written, where the action needs one (e.g. the lawful basis of an erasure).
ALTER TABLE audit_log ADD COLUMN detail text NULL;
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- The audit log is append-only for everyone, the owner and superusers included: rows can be
-- inserted and read, never changed or removed. (A superuser can still disable triggers; the
-- application must therefore not connect as one in production — see docs/security.md.)
CREATE FUNCTION coordination_audit_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_no_update_or_delete
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION coordination_audit_log_is_append_only();

CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION coordination_audit_log_is_append_only();

REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;

-- Accounts: consecutive failed sign-ins and the lock they cause; the instant before which no
-- token of the user is accepted any more (set when the account is disabled).
ALTER TABLE users
    ADD COLUMN failed_sign_ins    integer NOT NULL DEFAULT 0,
    ADD COLUMN locked_until       timestamptz NULL,
    ADD COLUMN tokens_valid_after timestamptz NULL,
    ADD COLUMN disabled_at        timestamptz NULL;

-- The role the application should run as: everything it needs, but no UPDATE, DELETE or
-- TRUNCATE on the audit log. Created when the migrating role may create roles; an operator
-- grants it to the login role of the silos and web hosts (docs/security.md).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'coordination_app') THEN
        BEGIN
            CREATE ROLE coordination_app NOLOGIN;
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN NULL; -- created concurrently
            WHEN insufficient_privilege THEN
                RAISE NOTICE 'cannot create role coordination_app; create it and re-grant as in docs/security.md';
        END;
    END IF;

    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'coordination_app') THEN
        EXECUTE 'GRANT USAGE ON SCHEMA public TO coordination_app';
        EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO coordination_app';
        EXECUTE 'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO coordination_app';
        EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO coordination_app';
        EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO coordination_app';
        EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM coordination_app';
    END IF;
END
$$;

-- Case numbers come from sequences the function creates on first use; as a definer function it
-- can do so for an application role that may not create objects itself.
ALTER FUNCTION coordination_next_case_number(text) SECURITY DEFINER SET search_path = public;
