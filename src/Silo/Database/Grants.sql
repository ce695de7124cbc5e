-- Run by the migrator after the migrations, on every start, as the schema's owner: what the owner
-- holds is the application's role's to use (coordination_app), except rewriting the audit log.
-- Repeated on purpose, so that a database restored without privileges (deploy/restore.sh) or one
-- first migrated before the role existed gets them back.
DO $$
BEGIN
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
