-- A change is written as one batch in PostgreSQL's implicit transaction (one round trip, where
-- BEGIN ... COMMIT takes two): its statements commit together when the batch ends, or none does.
-- What the change depends on (a version not moved, a key not taken, a feed head where its writer
-- left it) is then a statement that fails the batch (docs/architecture.md, "Writes").
CREATE FUNCTION coordination_require(p_ok boolean, p_condition text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT p_ok THEN
        RAISE EXCEPTION USING ERRCODE = 'CO409', MESSAGE = p_condition;
    END IF;
    RETURN true;
END
$$;
