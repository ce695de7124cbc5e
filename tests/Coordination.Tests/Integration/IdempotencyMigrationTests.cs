using Coordination.Contracts.Idempotency;
using Coordination.Grains.Idempotency;
using Coordination.ServiceDefaults;
using Coordination.Silo.Database;
using Coordination.Tests.Infrastructure;
using Npgsql;

namespace Coordination.Tests.Integration;

/// <summary>Migration 0010 on a database that holds flags' keys in the old <c>idempotency_keys</c> table.</summary>
public sealed class IdempotencyMigrationTests
{
    [Fact]
    public async Task Flags_keys_move_into_the_one_table_and_a_key_another_command_also_used_stays_that_command_s()
    {
        var connectionString = await TestDatabase.CreateEmptyAsync("idemmigration");
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, "CREATE TABLE schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
            foreach (var (version, sql) in DatabaseMigrator.LoadMigrations().Where(m => string.CompareOrdinal(m.Version, "0010") < 0))
            {
                await ExecuteAsync(connection, sql);
                await ExecuteAsync(connection, $"INSERT INTO schema_migrations (version) VALUES ('{version}')");
            }

            await ExecuteAsync(connection,
                "INSERT INTO idempotency_keys (agency_id, key, request_hash, resource_id) VALUES " +
                "('kg-post', 'flag-key', 'flag-hash', 'KG-2026-000001'), ('kg-post', 'shared-key', 'flag-hash', 'KG-2026-000002')");
            await ExecuteAsync(connection,
                "INSERT INTO idempotent_requests (scope, key, request_hash, status) VALUES ('agency:kg-post', 'shared-key', 'travel-hash', 200)");
        }

        Assert.Contains(await DatabaseMigrator.MigrateAsync(connectionString), v => v.StartsWith("0010_", StringComparison.Ordinal));

        await using var db = CoordinationDatabase.CreateDataSource(connectionString);
        var scope = IdempotencyScope.Agency("kg-post");
        var flag = await IdempotencyStore.FindAsync(db, scope, "flag-key");
        Assert.Equal(("flag-hash", "KG-2026-000001"), (flag?.Hash, flag?.ResourceId));
        var shared = await IdempotencyStore.FindAsync(db, scope, "shared-key");
        Assert.Equal(("travel-hash", (string?)null, (int?)200), (shared?.Hash, shared?.ResourceId, shared?.Status));
        await using var old = db.CreateCommand("SELECT to_regclass('idempotency_keys') IS NULL");
        Assert.True((bool)(await old.ExecuteScalarAsync())!);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
