using Coordination.Tests.Infrastructure;
using Npgsql;

namespace Coordination.Tests.EndToEnd;

/// <summary>One silo and one web host as real processes, shared by the tests of the "system" collection.</summary>
public sealed class SystemFixture : IAsyncLifetime
{
    public CoordinationProcesses System { get; private set; } = null!;

    public async Task InitializeAsync() => System = await CoordinationProcesses.StartAsync("e2e");

    public async Task DisposeAsync() => await System.DisposeAsync();

    /// <summary>Row counts of every table a command could write, to prove a rejected one wrote nothing.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountRowsAsync()
    {
        string[] tables = ["agencies", "users", "cases", "case_events", "feed_items", "feed_heads", "idempotency_keys"];
        var counts = new Dictionary<string, long>();
        await using var connection = new NpgsqlConnection(System.ConnectionString);
        await connection.OpenAsync();
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
            counts[table] = (long)(await command.ExecuteScalarAsync())!;
        }

        return counts;
    }
}

[CollectionDefinition("system")]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>;
