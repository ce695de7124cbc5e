using System.Text.Json;
using Coordination.ServiceDefaults;
using Coordination.Tests.Infrastructure;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Benchmarks;

/// <summary>
/// The database baseline: a single-row INSERT committed on its own (autocommit) into a table shaped
/// like a small case row, on the same PostgreSQL server as the system, through the same driver.
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

    private RawPostgres(NpgsqlDataSource db) => _db = db;

    public static async Task<RawPostgres> CreateAsync()
    {
        // The same driver settings as the system's own data source, so the comparison is of the work, not the tuning.
        var db = CoordinationDatabase.CreateDataSource(await TestDatabase.CreateEmptyAsync("bench_raw"));
        await using var create = db.CreateCommand(
            "CREATE TABLE raw_cases (id text PRIMARY KEY, citizenship text NOT NULL, status text NOT NULL, flagged_by text NOT NULL, " +
            "agencies text[] NOT NULL, version integer NOT NULL, state jsonb NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)");
        await create.ExecuteNonQueryAsync();
        return new RawPostgres(db);
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

    public async Task<long> CountAsync()
    {
        await using var command = _db.CreateCommand("SELECT count(*) FROM raw_cases");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();
}
