using Coordination.Silo.Database;
using Npgsql;

namespace Coordination.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server is started by the test script (deploy/test.sh) and announced in
/// COORDINATION_TEST_PG as a superuser connection string. Each fixture gets its own fresh,
/// fully migrated database so test classes never see each other's rows.
/// </summary>
public static class TestDatabase
{
    public const string ServerVariable = "COORDINATION_TEST_PG";

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(ServerVariable)
        ?? throw new InvalidOperationException(
            $"{ServerVariable} is not set. Run the tests with deploy/test.sh, which starts PostgreSQL and sets it.");

    /// <summary>Creates an empty database with a unique name and applies every migration.</summary>
    public static async Task<string> CreateMigratedAsync(string purpose)
    {
        var connectionString = await CreateEmptyAsync(purpose);
        await DatabaseMigrator.MigrateAsync(connectionString);
        return connectionString;
    }

    public static async Task<string> CreateEmptyAsync(string purpose)
    {
        var name = $"t_{purpose.ToLowerInvariant()}_{Guid.NewGuid():N}";
        name = name[..Math.Min(name.Length, 63)]; // PostgreSQL identifiers are at most 63 bytes
        await using (var connection = new NpgsqlConnection(ServerConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Row counts of the given tables, to prove that a rejected command wrote nothing.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> CountRowsAsync(string connectionString, params string[] tables)
    {
        var counts = new Dictionary<string, long>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
            counts[table] = (long)(await command.ExecuteScalarAsync())!;
        }

        return counts;
    }
}
