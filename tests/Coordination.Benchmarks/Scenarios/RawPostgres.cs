using System.Text.Json;
using Coordination.ServiceDefaults;
using Coordination.Tests.Infrastructure;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Benchmarks;

/// <summary>
/// The database baselines, on the same PostgreSQL server as the system, through the same driver:
/// a single-row INSERT committed on its own (autocommit) into a table shaped like a small case row;
/// and the floor of a flag's durable work, exactly the rows one flag commits — idempotency key, case
/// row, two timeline events, audit entry, the referral's feed item and its feed head — written with
/// raw statements into the product's own schema (a migrated database) in one transaction sent as one
/// pipelined batch, then COMMIT: the least any design of the flag can do on this machine.
/// </summary>
public sealed class RawPostgres : IAsyncDisposable
{
    private static readonly string State = JsonSerializer.Serialize(new
    {
        id = "KG-2026-000001",
        status = "Flagged",
        person = new { fullName = "Bench Person 1", sex = "F", birthYear = 1990, citizenship = "KG", passportNumber = "AC1234567", phone = "+90 555 111 22 33" },
        currentCountry = "TR",
        location = "Removal centre",
        situation = "Detained",
        exploitationType = "Labour",
        needs = new[] { "Shelter", "Legal" },
        urgency = "Routine",
        homeRegion = "District 01",
        consent = new { given = true, scope = "referral and return" },
        reportedBy = "Consulate",
        minor = false,
        flaggedByAgencyId = "kg-post-0123abcd",
        referrals = new[] { new { id = "r1", toAgencyId = "kg-ngo-01-0123abcd", services = new[] { "Shelter", "Legal" }, status = "Pending" } },
        version = 1,
    });

    private readonly NpgsqlDataSource _db;
    private readonly NpgsqlDataSource _schema;

    private RawPostgres(NpgsqlDataSource db, NpgsqlDataSource schema)
    {
        _db = db;
        _schema = schema;
    }

    public static async Task<RawPostgres> CreateAsync()
    {
        // The same driver settings as the system's own data source, so the comparison is of the work, not the tuning.
        var db = CoordinationDatabase.CreateDataSource(await TestDatabase.CreateEmptyAsync("bench_raw"));
        await using var create = db.CreateCommand(
            "CREATE TABLE raw_cases (id text PRIMARY KEY, citizenship text NOT NULL, status text NOT NULL, flagged_by text NOT NULL, " +
            "agencies text[] NOT NULL, version integer NOT NULL, state jsonb NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)");
        await create.ExecuteNonQueryAsync();
        return new RawPostgres(db, CoordinationDatabase.CreateDataSource(await TestDatabase.CreateMigratedAsync("bench_floor")));
    }

    /// <summary>One committed single-row INSERT.</summary>
    public async Task InsertAsync(CancellationToken cancellationToken = default)
    {
        var now = DateTime.UtcNow;
        await using var command = _db.CreateCommand(
            "INSERT INTO raw_cases (id, citizenship, status, flagged_by, agencies, version, state, created_at, updated_at) " +
            "VALUES (@id, 'KG', 'Flagged', 'kg-post', @agencies, 1, @state, @now, @now)");
        command.Parameters.AddWithValue("id", Guid.NewGuid().ToString("N"));
        command.Parameters.AddWithValue("agencies", new[] { "kg-post", "kg-ngo-01" });
        command.Parameters.AddWithValue("state", NpgsqlDbType.Jsonb, State);
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The rows of one flag of a case referred to <paramref name="agencyId"/>, in one pipelined transaction.</summary>
    public async Task FlagRowsAsync(string agencyId, CancellationToken cancellationToken = default)
    {
        var id = $"KG-{Guid.NewGuid():N}";
        var now = DateTime.UtcNow;
        var deadline = now.AddDays(1);
        await using var connection = await _schema.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        Add(batch, "INSERT INTO idempotent_requests (scope, key, request_hash, resource_id, started_at) VALUES ('agency:kg-post', @id, 'hash', @id, @now)",
            ("id", id), ("now", now));
        Add(batch, "INSERT INTO cases (id, citizenship, status, flagged_by, agencies, version, state, created_at, updated_at) " +
            "VALUES (@id, 'KG', 'Flagged', 'kg-post', @agencies, 1, @state, @now, @now)",
            ("id", id), ("agencies", new[] { "kg-post", agencyId }), ("state", State), ("now", now));
        Add(batch, "INSERT INTO case_events (case_id, seq, type, at, agency_id, username, note) " +
            "VALUES (@id, 1, 'Flagged', @now, 'kg-post', 'consul', NULL), (@id, 2, 'Referred', @now, 'kg-post', 'consul', @agency)",
            ("id", id), ("now", now), ("agency", agencyId));
        Add(batch, "INSERT INTO audit_log (username, agency_id, case_id, action, fields, address, detail) " +
            "VALUES ('consul', 'kg-post', @id, 'case.flag', '{person}', '127.0.0.1', NULL)", ("id", id));
        Add(batch, "WITH head AS (INSERT INTO feed_heads (agency_id, last_seq) VALUES (@agency, 1) " +
            "ON CONFLICT (agency_id) DO UPDATE SET last_seq = feed_heads.last_seq + 1 RETURNING last_seq) " +
            "INSERT INTO feed_items (agency_id, seq, id, dedupe_key, type, kind, case_id, summary, urgency, occurred_at, requires_ack, " +
            "ack_deadline, caused_by, next_escalation_at, data) " +
            "SELECT @agency, last_seq, @item, @dedupe, 'ReferralReceived', 'Alert', @id, 'New referral', 'Routine', @now, true, " +
            "@deadline, 'kg-post', @deadline, @data FROM head",
            ("agency", agencyId), ("item", Guid.NewGuid()), ("dedupe", $"referral:{id}:r1"), ("id", id), ("now", now), ("deadline", deadline),
            ("data", "{\"referralId\":\"r1\",\"services\":\"Shelter,Legal\"}"));
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static void Add(NpgsqlBatch batch, string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            if (name is "state" or "data")
            {
                command.Parameters.AddWithValue(name, NpgsqlDbType.Jsonb, value);
            }
            else
            {
                command.Parameters.AddWithValue(name, value);
            }
        }

        batch.BatchCommands.Add(command);
    }

    /// <summary>Flags whose rows <see cref="FlagRowsAsync"/> committed.</summary>
    public async Task<long> FlagRowsCountAsync()
    {
        await using var command = _schema.CreateCommand("SELECT count(*) FROM cases");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task<long> CountAsync()
    {
        await using var command = _db.CreateCommand("SELECT count(*) FROM raw_cases");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await _db.DisposeAsync();
        await _schema.DisposeAsync();
    }
}
