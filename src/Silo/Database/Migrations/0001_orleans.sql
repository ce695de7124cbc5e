-- 0001_orleans: schema and OrleansQuery rows for the Orleans 10.4.x ADO.NET providers
-- (Microsoft.Orleans.Clustering.AdoNet, .Persistence.AdoNet, .Reminders.AdoNet) on PostgreSQL,
-- invariant "Npgsql".
--
-- Adapted from the official PostgreSQL scripts in the dotnet/orleans repository (MIT licence):
--   src/AdoNet/Shared/PostgreSQL-Main.sql                                   (OrleansQuery)
--   src/AdoNet/Orleans.Clustering.AdoNet/PostgreSQL-Clustering.sql          (membership)
--   src/AdoNet/Orleans.Clustering.AdoNet/Migrations/PostgreSQL-Clustering-AtomicWrites.sql
--   src/AdoNet/Orleans.Persistence.AdoNet/PostgreSQL-Persistence.sql        (grain state)
--   src/AdoNet/Orleans.Reminders.AdoNet/PostgreSQL-Reminders.sql            (reminders)
--   src/AdoNet/Orleans.Reminders.AdoNet/Migrations/PostgreSQL-Reminders-3.6.0.sql
--
-- Differences from those scripts, each made to match what the 10.4.2 provider code actually
-- sends and reads (checked against the decompiled 10.4.2 assemblies):
--   * Membership: the AtomicWrites routines (version bump and row write succeed or fail together,
--     IAmAliveTime never moves backwards) and both cleanup keys, CleanupDefunctSiloEntriesKey
--     (required) and CleanupDefunctSiloEntryKey (optional, preferred by 10.4.2 when present).
--     No MetadataJson column or parameter: 10.4.2 never passes @MetadataJson.
--   * Persistence: 10.4.2 passes only @PayloadBinary (no @PayloadJson / @PayloadXml), so the
--     table keeps one payload column and WriteToStorage takes nine arguments. The optional
--     DeleteStorageKey (used when AdoNetGrainStorageOptions.DeleteStateOnClear = true) is included.
--   * Reminders: 10.4.2 passes ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash,
--     Version, BeginHash, EndHash only (no cron/priority columns of the newer upstream script).
--   * Query texts are dollar-quoted; timestamps are timestamptz.
--
-- The file is applied once, in one transaction, by DatabaseMigrator. Never edit it after it has
-- been released: add a new numbered migration instead.

-- ---------------------------------------------------------------------------------------------
-- Query catalogue. Orleans reads every operational query from here by key.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL,
    QueryText varchar(8000) NOT NULL,

    CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
);

-- ---------------------------------------------------------------------------------------------
-- Clustering (membership)
-- ---------------------------------------------------------------------------------------------

-- One row per deployment (cluster id); Version is the membership table's optimistic-concurrency etag.
CREATE TABLE OrleansMembershipVersionTable
(
    DeploymentId varchar(150)   NOT NULL,
    Timestamp    timestamptz(3) NOT NULL DEFAULT now(),
    Version      integer        NOT NULL DEFAULT 0,

    CONSTRAINT PK_OrleansMembershipVersionTable_DeploymentId PRIMARY KEY (DeploymentId)
);

-- One row per silo instance (address, port, generation).
CREATE TABLE OrleansMembershipTable
(
    DeploymentId varchar(150)   NOT NULL,
    Address      varchar(45)    NOT NULL,
    Port         integer        NOT NULL,
    Generation   integer        NOT NULL,
    SiloName     varchar(150)   NOT NULL,
    HostName     varchar(150)   NOT NULL,
    Status       integer        NOT NULL,
    ProxyPort    integer        NULL,
    SuspectTimes varchar(8000)  NULL,
    StartTime    timestamptz(3) NOT NULL,
    IAmAliveTime timestamptz(3) NOT NULL,

    CONSTRAINT PK_MembershipTable_DeploymentId PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT FK_MembershipTable_MembershipVersionTable_DeploymentId
        FOREIGN KEY (DeploymentId) REFERENCES OrleansMembershipVersionTable (DeploymentId)
);

CREATE FUNCTION update_i_am_alive_time(
    deployment_id   OrleansMembershipTable.DeploymentId%TYPE,
    address_arg     OrleansMembershipTable.Address%TYPE,
    port_arg        OrleansMembershipTable.Port%TYPE,
    generation_arg  OrleansMembershipTable.Generation%TYPE,
    i_am_alive_time OrleansMembershipTable.IAmAliveTime%TYPE)
  RETURNS void AS
$func$
BEGIN
    -- Orleans expects this never to fail and does not check a result.
    UPDATE OrleansMembershipTable AS d
    SET
        IAmAliveTime = GREATEST(d.IAmAliveTime, i_am_alive_time)
    WHERE
        d.DeploymentId = deployment_id AND deployment_id IS NOT NULL
        AND d.Address = address_arg AND address_arg IS NOT NULL
        AND d.Port = port_arg AND port_arg IS NOT NULL
        AND d.Generation = generation_arg AND generation_arg IS NOT NULL;
END
$func$ LANGUAGE plpgsql;

CREATE FUNCTION insert_membership_version(
    DeploymentIdArg OrleansMembershipTable.DeploymentId%TYPE)
  RETURNS TABLE(row_count integer) AS
$func$
DECLARE
    RowCountVar int := 0;
BEGIN
    BEGIN
        INSERT INTO OrleansMembershipVersionTable (DeploymentId)
        SELECT DeploymentIdArg
        ON CONFLICT (DeploymentId) DO NOTHING;

        GET DIAGNOSTICS RowCountVar = ROW_COUNT;

        IF RowCountVar = 0 THEN
            RAISE EXCEPTION 'no rows affected, rollback' USING ERRCODE = 'assert_failure';
        END IF;

        RETURN QUERY SELECT RowCountVar;
    EXCEPTION
    WHEN assert_failure THEN
        RETURN QUERY SELECT RowCountVar;
    END;
END
$func$ LANGUAGE plpgsql;

-- Bumps the table version (only if it still equals VersionArg) and inserts the silo row; the inner
-- block rolls both back together when either affects no row, and returns 0 (= "lost the race").
CREATE FUNCTION insert_membership(
    DeploymentIdArg OrleansMembershipTable.DeploymentId%TYPE,
    AddressArg      OrleansMembershipTable.Address%TYPE,
    PortArg         OrleansMembershipTable.Port%TYPE,
    GenerationArg   OrleansMembershipTable.Generation%TYPE,
    SiloNameArg     OrleansMembershipTable.SiloName%TYPE,
    HostNameArg     OrleansMembershipTable.HostName%TYPE,
    StatusArg       OrleansMembershipTable.Status%TYPE,
    ProxyPortArg    OrleansMembershipTable.ProxyPort%TYPE,
    StartTimeArg    OrleansMembershipTable.StartTime%TYPE,
    IAmAliveTimeArg OrleansMembershipTable.IAmAliveTime%TYPE,
    VersionArg      OrleansMembershipVersionTable.Version%TYPE)
  RETURNS TABLE(row_count integer) AS
$func$
DECLARE
    RowCountVar int := 0;
BEGIN
    BEGIN
        UPDATE OrleansMembershipVersionTable
        SET
            Timestamp = now(),
            Version = Version + 1
        WHERE
            DeploymentId = DeploymentIdArg AND DeploymentIdArg IS NOT NULL
            AND Version = VersionArg AND VersionArg IS NOT NULL AND Version < 2147483647;

        GET DIAGNOSTICS RowCountVar = ROW_COUNT;

        INSERT INTO OrleansMembershipTable
        (
            DeploymentId, Address, Port, Generation, SiloName, HostName,
            Status, ProxyPort, StartTime, IAmAliveTime
        )
        SELECT
            DeploymentIdArg, AddressArg, PortArg, GenerationArg, SiloNameArg, HostNameArg,
            StatusArg, ProxyPortArg, StartTimeArg, IAmAliveTimeArg
        WHERE RowCountVar > 0
        ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING;

        GET DIAGNOSTICS RowCountVar = ROW_COUNT;

        IF RowCountVar = 0 THEN
            RAISE EXCEPTION 'no rows affected, rollback' USING ERRCODE = 'assert_failure';
        END IF;

        RETURN QUERY SELECT RowCountVar;
    EXCEPTION
    WHEN assert_failure THEN
        RETURN QUERY SELECT RowCountVar;
    END;
END
$func$ LANGUAGE plpgsql;

CREATE FUNCTION update_membership(
    DeploymentIdArg OrleansMembershipTable.DeploymentId%TYPE,
    AddressArg      OrleansMembershipTable.Address%TYPE,
    PortArg         OrleansMembershipTable.Port%TYPE,
    GenerationArg   OrleansMembershipTable.Generation%TYPE,
    StatusArg       OrleansMembershipTable.Status%TYPE,
    SuspectTimesArg OrleansMembershipTable.SuspectTimes%TYPE,
    IAmAliveTimeArg OrleansMembershipTable.IAmAliveTime%TYPE,
    VersionArg      OrleansMembershipVersionTable.Version%TYPE)
  RETURNS TABLE(row_count integer) AS
$func$
DECLARE
    RowCountVar int := 0;
BEGIN
    BEGIN
        UPDATE OrleansMembershipVersionTable
        SET
            Timestamp = now(),
            Version = Version + 1
        WHERE
            DeploymentId = DeploymentIdArg AND DeploymentIdArg IS NOT NULL
            AND Version = VersionArg AND VersionArg IS NOT NULL AND Version < 2147483647;

        GET DIAGNOSTICS RowCountVar = ROW_COUNT;

        UPDATE OrleansMembershipTable
        SET
            Status = StatusArg,
            SuspectTimes = SuspectTimesArg,
            IAmAliveTime = GREATEST(IAmAliveTime, IAmAliveTimeArg)
        WHERE
            DeploymentId = DeploymentIdArg AND DeploymentIdArg IS NOT NULL
            AND Address = AddressArg AND AddressArg IS NOT NULL
            AND Port = PortArg AND PortArg IS NOT NULL
            AND Generation = GenerationArg AND GenerationArg IS NOT NULL
            AND RowCountVar > 0;

        GET DIAGNOSTICS RowCountVar = ROW_COUNT;

        IF RowCountVar = 0 THEN
            RAISE EXCEPTION 'no rows affected, rollback' USING ERRCODE = 'assert_failure';
        END IF;

        RETURN QUERY SELECT RowCountVar;
    EXCEPTION
    WHEN assert_failure THEN
        RETURN QUERY SELECT RowCountVar;
    END;
END
$func$ LANGUAGE plpgsql;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('UpdateIAmAlivetimeKey', $q$
    SELECT * FROM update_i_am_alive_time(
        @DeploymentId,
        @Address,
        @Port,
        @Generation,
        @IAmAliveTime
    );
$q$),

('InsertMembershipVersionKey', $q$
    SELECT * FROM insert_membership_version(
        @DeploymentId
    );
$q$),

('InsertMembershipKey', $q$
    SELECT * FROM insert_membership(
        @DeploymentId,
        @Address,
        @Port,
        @Generation,
        @SiloName,
        @HostName,
        @Status,
        @ProxyPort,
        @StartTime,
        @IAmAliveTime,
        @Version
    );
$q$),

('UpdateMembershipKey', $q$
    SELECT * FROM update_membership(
        @DeploymentId,
        @Address,
        @Port,
        @Generation,
        @Status,
        @SuspectTimes,
        @IAmAliveTime,
        @Version
    );
$q$),

('MembershipReadRowKey', $q$
    SELECT
        v.DeploymentId,
        m.Address,
        m.Port,
        m.Generation,
        m.SiloName,
        m.HostName,
        m.Status,
        m.ProxyPort,
        m.SuspectTimes,
        m.StartTime,
        m.IAmAliveTime,
        v.Version
    FROM
        OrleansMembershipVersionTable v
        -- The version row is returned even when there is no matching membership row.
        LEFT OUTER JOIN OrleansMembershipTable m ON v.DeploymentId = m.DeploymentId
        AND Address = @Address AND @Address IS NOT NULL
        AND Port = @Port AND @Port IS NOT NULL
        AND Generation = @Generation AND @Generation IS NOT NULL
    WHERE
        v.DeploymentId = @DeploymentId AND @DeploymentId IS NOT NULL;
$q$),

('MembershipReadAllKey', $q$
    SELECT
        v.DeploymentId,
        m.Address,
        m.Port,
        m.Generation,
        m.SiloName,
        m.HostName,
        m.Status,
        m.ProxyPort,
        m.SuspectTimes,
        m.StartTime,
        m.IAmAliveTime,
        v.Version
    FROM
        OrleansMembershipVersionTable v LEFT OUTER JOIN OrleansMembershipTable m
        ON v.DeploymentId = m.DeploymentId
    WHERE
        v.DeploymentId = @DeploymentId AND @DeploymentId IS NOT NULL;
$q$),

('DeleteMembershipTableEntriesKey', $q$
    DELETE FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId AND @DeploymentId IS NOT NULL;
    DELETE FROM OrleansMembershipVersionTable
    WHERE DeploymentId = @DeploymentId AND @DeploymentId IS NOT NULL;
$q$),

-- Status 3 = Active. Clients take their gateway list from this query.
('GatewaysQueryKey', $q$
    SELECT
        Address,
        ProxyPort,
        Generation
    FROM
        OrleansMembershipTable
    WHERE
        DeploymentId = @DeploymentId AND @DeploymentId IS NOT NULL
        AND Status = @Status AND @Status IS NOT NULL
        AND ProxyPort > 0;
$q$),

-- Bulk fallback (only used when CleanupDefunctSiloEntryKey is absent). Status 6 = Dead.
('CleanupDefunctSiloEntriesKey', $q$
    DELETE FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId
        AND @DeploymentId IS NOT NULL
        AND IAmAliveTime < @IAmAliveTime
        AND StartTime < @IAmAliveTime
        AND COALESCE(SuspectTimes, '') = ''
        AND Status = 6;
$q$),

-- Deletes one Dead row only if it still holds exactly the values the provider read.
('CleanupDefunctSiloEntryKey', $q$
    DELETE FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId AND Status = 6
        AND Address = @Address AND Port = @Port AND Generation = @Generation
        AND IAmAliveTime = @IAmAliveTime AND StartTime = @StartTime
        AND COALESCE(SuspectTimes, '') = COALESCE(@SuspectTimes, '');
$q$);

-- ---------------------------------------------------------------------------------------------
-- Grain persistence
-- ---------------------------------------------------------------------------------------------
CREATE TABLE OrleansStorage
(
    GrainIdHash            integer        NOT NULL,
    GrainIdN0              bigint         NOT NULL,
    GrainIdN1              bigint         NOT NULL,
    GrainTypeHash          integer        NOT NULL,
    GrainTypeString        varchar(512)   NOT NULL,
    GrainIdExtensionString varchar(512)   NULL,
    ServiceId              varchar(150)   NOT NULL,
    PayloadBinary          bytea          NULL,
    ModifiedOn             timestamptz(3) NOT NULL,
    Version                integer        NULL
);

CREATE INDEX IX_OrleansStorage ON OrleansStorage USING btree (GrainIdHash, GrainTypeHash);

-- Returns the new version on success. On a lost race it returns the version it was given (or
-- NULL for a first write), which Orleans turns into an InconsistentStateException.
CREATE FUNCTION WriteToStorage(
    _GrainIdHash            integer,
    _GrainIdN0              bigint,
    _GrainIdN1              bigint,
    _GrainTypeHash          integer,
    _GrainTypeString        varchar,
    _GrainIdExtensionString varchar,
    _ServiceId              varchar,
    _GrainStateVersion      integer,
    _PayloadBinary          bytea)
  RETURNS TABLE(NewGrainStateVersion integer) AS
$func$
DECLARE
    _NewGrainStateVersion integer := _GrainStateVersion;
    RowCountVar integer := 0;
BEGIN
    -- A known version: the state was read before, update it only if nobody else has since.
    IF _GrainStateVersion IS NOT NULL THEN
        UPDATE OrleansStorage
        SET
            PayloadBinary = _PayloadBinary,
            ModifiedOn = now(),
            Version = Version + 1
        WHERE
            GrainIdHash = _GrainIdHash AND _GrainIdHash IS NOT NULL
            AND GrainTypeHash = _GrainTypeHash AND _GrainTypeHash IS NOT NULL
            AND GrainIdN0 = _GrainIdN0 AND _GrainIdN0 IS NOT NULL
            AND GrainIdN1 = _GrainIdN1 AND _GrainIdN1 IS NOT NULL
            AND GrainTypeString = _GrainTypeString AND _GrainTypeString IS NOT NULL
            AND ((_GrainIdExtensionString IS NOT NULL AND GrainIdExtensionString IS NOT NULL AND GrainIdExtensionString = _GrainIdExtensionString)
                 OR (_GrainIdExtensionString IS NULL AND GrainIdExtensionString IS NULL))
            AND ServiceId = _ServiceId AND _ServiceId IS NOT NULL
            AND Version IS NOT NULL AND Version = _GrainStateVersion;

        GET DIAGNOSTICS RowCountVar = ROW_COUNT;
        IF RowCountVar > 0 THEN
            _NewGrainStateVersion := _GrainStateVersion + 1;
        END IF;
    END IF;

    -- No version: first write, succeeds only if no row exists for this grain yet.
    IF _GrainStateVersion IS NULL THEN
        INSERT INTO OrleansStorage
        (
            GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
            GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version
        )
        SELECT
            _GrainIdHash, _GrainIdN0, _GrainIdN1, _GrainTypeHash, _GrainTypeString,
            _GrainIdExtensionString, _ServiceId, _PayloadBinary, now(), 1
        WHERE NOT EXISTS
        (
            SELECT 1
            FROM OrleansStorage
            WHERE
                GrainIdHash = _GrainIdHash AND _GrainIdHash IS NOT NULL
                AND GrainTypeHash = _GrainTypeHash AND _GrainTypeHash IS NOT NULL
                AND GrainIdN0 = _GrainIdN0 AND _GrainIdN0 IS NOT NULL
                AND GrainIdN1 = _GrainIdN1 AND _GrainIdN1 IS NOT NULL
                AND GrainTypeString = _GrainTypeString AND _GrainTypeString IS NOT NULL
                AND ((_GrainIdExtensionString IS NOT NULL AND GrainIdExtensionString IS NOT NULL AND GrainIdExtensionString = _GrainIdExtensionString)
                     OR (_GrainIdExtensionString IS NULL AND GrainIdExtensionString IS NULL))
                AND ServiceId = _ServiceId AND _ServiceId IS NOT NULL
        );

        GET DIAGNOSTICS RowCountVar = ROW_COUNT;
        IF RowCountVar > 0 THEN
            _NewGrainStateVersion := 1;
        END IF;
    END IF;

    RETURN QUERY SELECT _NewGrainStateVersion AS NewGrainStateVersion;
END
$func$ LANGUAGE plpgsql;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('WriteToStorageKey', $q$
    SELECT * FROM WriteToStorage(
        @GrainIdHash,
        @GrainIdN0,
        @GrainIdN1,
        @GrainTypeHash,
        @GrainTypeString,
        @GrainIdExtensionString,
        @ServiceId,
        @GrainStateVersion,
        @PayloadBinary
    );
$q$),

('ReadFromStorageKey', $q$
    SELECT
        PayloadBinary,
        Version
    FROM
        OrleansStorage
    WHERE
        GrainIdHash = @GrainIdHash AND @GrainIdHash IS NOT NULL
        AND GrainTypeHash = @GrainTypeHash AND @GrainTypeHash IS NOT NULL
        AND GrainIdN0 = @GrainIdN0 AND @GrainIdN0 IS NOT NULL
        AND GrainIdN1 = @GrainIdN1 AND @GrainIdN1 IS NOT NULL
        AND GrainTypeString = @GrainTypeString AND @GrainTypeString IS NOT NULL
        AND ((@GrainIdExtensionString IS NOT NULL AND GrainIdExtensionString IS NOT NULL AND GrainIdExtensionString = @GrainIdExtensionString)
             OR (@GrainIdExtensionString IS NULL AND GrainIdExtensionString IS NULL))
        AND ServiceId = @ServiceId AND @ServiceId IS NOT NULL;
$q$),

-- Keeps the row with a NULL payload and a bumped version (DeleteStateOnClear = false, the default).
('ClearStorageKey', $q$
    UPDATE OrleansStorage
    SET
        PayloadBinary = NULL,
        ModifiedOn = now(),
        Version = Version + 1
    WHERE
        GrainIdHash = @GrainIdHash AND @GrainIdHash IS NOT NULL
        AND GrainTypeHash = @GrainTypeHash AND @GrainTypeHash IS NOT NULL
        AND GrainIdN0 = @GrainIdN0 AND @GrainIdN0 IS NOT NULL
        AND GrainIdN1 = @GrainIdN1 AND @GrainIdN1 IS NOT NULL
        AND GrainTypeString = @GrainTypeString AND @GrainTypeString IS NOT NULL
        AND ((@GrainIdExtensionString IS NOT NULL AND GrainIdExtensionString IS NOT NULL AND GrainIdExtensionString = @GrainIdExtensionString)
             OR (@GrainIdExtensionString IS NULL AND GrainIdExtensionString IS NULL))
        AND ServiceId = @ServiceId AND @ServiceId IS NOT NULL
        AND Version IS NOT NULL AND Version = @GrainStateVersion AND @GrainStateVersion IS NOT NULL
    RETURNING Version AS NewGrainStateVersion;
$q$),

-- Removes the row (DeleteStateOnClear = true). Returns a version different from the one given so
-- that Orleans sees success; no row means a version conflict.
('DeleteStorageKey', $q$
    DELETE FROM OrleansStorage
    WHERE
        GrainIdHash = @GrainIdHash AND @GrainIdHash IS NOT NULL
        AND GrainTypeHash = @GrainTypeHash AND @GrainTypeHash IS NOT NULL
        AND GrainIdN0 = @GrainIdN0 AND @GrainIdN0 IS NOT NULL
        AND GrainIdN1 = @GrainIdN1 AND @GrainIdN1 IS NOT NULL
        AND GrainTypeString = @GrainTypeString AND @GrainTypeString IS NOT NULL
        AND ((@GrainIdExtensionString IS NOT NULL AND GrainIdExtensionString IS NOT NULL AND GrainIdExtensionString = @GrainIdExtensionString)
             OR (@GrainIdExtensionString IS NULL AND GrainIdExtensionString IS NULL))
        AND ServiceId = @ServiceId AND @ServiceId IS NOT NULL
        AND Version IS NOT NULL AND Version = @GrainStateVersion AND @GrainStateVersion IS NOT NULL
    RETURNING Version + 1 AS NewGrainStateVersion;
$q$);

-- ---------------------------------------------------------------------------------------------
-- Reminders
-- ---------------------------------------------------------------------------------------------
CREATE TABLE OrleansRemindersTable
(
    ServiceId    varchar(150)   NOT NULL,
    GrainId      varchar(150)   NOT NULL,
    ReminderName varchar(150)   NOT NULL,
    StartTime    timestamptz(3) NOT NULL,
    Period       bigint         NOT NULL,
    GrainHash    integer        NOT NULL,
    Version      integer        NOT NULL,

    CONSTRAINT PK_RemindersTable_ServiceId_GrainId_ReminderName PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

CREATE FUNCTION upsert_reminder_row(
    ServiceIdArg    OrleansRemindersTable.ServiceId%TYPE,
    GrainIdArg      OrleansRemindersTable.GrainId%TYPE,
    ReminderNameArg OrleansRemindersTable.ReminderName%TYPE,
    StartTimeArg    OrleansRemindersTable.StartTime%TYPE,
    PeriodArg       OrleansRemindersTable.Period%TYPE,
    GrainHashArg    OrleansRemindersTable.GrainHash%TYPE)
  RETURNS TABLE(version integer) AS
$func$
DECLARE
    VersionVar int := 0;
BEGIN
    INSERT INTO OrleansRemindersTable
    (
        ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version
    )
    SELECT
        ServiceIdArg, GrainIdArg, ReminderNameArg, StartTimeArg, PeriodArg, GrainHashArg, 0
    ON CONFLICT (ServiceId, GrainId, ReminderName)
        DO UPDATE SET
            StartTime = excluded.StartTime,
            Period = excluded.Period,
            GrainHash = excluded.GrainHash,
            Version = OrleansRemindersTable.Version + 1
    RETURNING
        OrleansRemindersTable.Version INTO STRICT VersionVar;

    RETURN QUERY SELECT VersionVar AS version;
END
$func$ LANGUAGE plpgsql;

CREATE FUNCTION delete_reminder_row(
    ServiceIdArg    OrleansRemindersTable.ServiceId%TYPE,
    GrainIdArg      OrleansRemindersTable.GrainId%TYPE,
    ReminderNameArg OrleansRemindersTable.ReminderName%TYPE,
    VersionArg      OrleansRemindersTable.Version%TYPE)
  RETURNS TABLE(row_count integer) AS
$func$
DECLARE
    RowCountVar int := 0;
BEGIN
    DELETE FROM OrleansRemindersTable
    WHERE
        ServiceId = ServiceIdArg AND ServiceIdArg IS NOT NULL
        AND GrainId = GrainIdArg AND GrainIdArg IS NOT NULL
        AND ReminderName = ReminderNameArg AND ReminderNameArg IS NOT NULL
        AND Version = VersionArg AND VersionArg IS NOT NULL;

    GET DIAGNOSTICS RowCountVar = ROW_COUNT;

    RETURN QUERY SELECT RowCountVar;
END
$func$ LANGUAGE plpgsql;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
-- @Period arrives as int4 or int8 depending on its size, hence the cast.
('UpsertReminderRowKey', $q$
    SELECT * FROM upsert_reminder_row(
        @ServiceId,
        @GrainId,
        @ReminderName,
        @StartTime,
        @Period::bigint,
        @GrainHash
    );
$q$),

('ReadReminderRowsKey', $q$
    SELECT
        GrainId,
        ReminderName,
        StartTime,
        Period,
        Version
    FROM OrleansRemindersTable
    WHERE
        ServiceId = @ServiceId AND @ServiceId IS NOT NULL
        AND GrainId = @GrainId AND @GrainId IS NOT NULL;
$q$),

('ReadReminderRowKey', $q$
    SELECT
        GrainId,
        ReminderName,
        StartTime,
        Period,
        Version
    FROM OrleansRemindersTable
    WHERE
        ServiceId = @ServiceId AND @ServiceId IS NOT NULL
        AND GrainId = @GrainId AND @GrainId IS NOT NULL
        AND ReminderName = @ReminderName AND @ReminderName IS NOT NULL;
$q$),

-- Hash range (BeginHash, EndHash] that does not wrap (signed comparison, as the provider chooses).
('ReadRangeRows1Key', $q$
    SELECT
        GrainId,
        ReminderName,
        StartTime,
        Period,
        Version
    FROM OrleansRemindersTable
    WHERE
        ServiceId = @ServiceId AND @ServiceId IS NOT NULL
        AND GrainHash > @BeginHash AND @BeginHash IS NOT NULL
        AND GrainHash <= @EndHash AND @EndHash IS NOT NULL;
$q$),

-- Hash range that wraps around.
('ReadRangeRows2Key', $q$
    SELECT
        GrainId,
        ReminderName,
        StartTime,
        Period,
        Version
    FROM OrleansRemindersTable
    WHERE
        ServiceId = @ServiceId AND @ServiceId IS NOT NULL
        AND ((GrainHash > @BeginHash AND @BeginHash IS NOT NULL)
             OR (GrainHash <= @EndHash AND @EndHash IS NOT NULL));
$q$),

('DeleteReminderRowKey', $q$
    SELECT * FROM delete_reminder_row(
        @ServiceId,
        @GrainId,
        @ReminderName,
        @Version
    );
$q$),

('DeleteReminderRowsKey', $q$
    DELETE FROM OrleansRemindersTable
    WHERE
        ServiceId = @ServiceId AND @ServiceId IS NOT NULL;
$q$);
