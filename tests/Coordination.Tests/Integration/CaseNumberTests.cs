using Coordination.Grains.Cases;
using Coordination.ServiceDefaults;
using Coordination.Tests.Infrastructure;
using Npgsql;

namespace Coordination.Tests.Integration;

/// <summary>
/// Drawing case numbers (<see cref="CaseStore.ReadIntakeAsync"/>) on a real PostgreSQL: the read
/// commits without waiting for a WAL flush, and that lasts only as long as its own transaction.
/// </summary>
public sealed class CaseNumberTests
{
    [Fact]
    public async Task Numbers_drawn_past_the_sequences_logging_interval_are_distinct_and_the_pooled_connection_still_commits_synchronously()
    {
        // One pooled connection: whatever the draws leave on their session, the check below finds.
        var connectionString = new NpgsqlConnectionStringBuilder(await TestDatabase.CreateMigratedAsync("case_numbers")) { MaxPoolSize = 1 }.ConnectionString;
        await using var db = CoordinationDatabase.CreateDataSource(connectionString);
        var codec = SiloWritesTests.Codec(db);

        var drawn = new List<long>();
        for (var i = 0; i < 70; i++)
        {
            drawn.Add((await CaseStore.ReadIntakeAsync(db, codec, "post-ru", key: i % 2 == 0 ? null : $"key-{i}", "KG", personMark: null)).Number);
        }

        Assert.Equal(Enumerable.Range(0, 70).Select(i => drawn[0] + i), drawn);
        await using var show = db.CreateCommand("SHOW synchronous_commit");
        Assert.Equal("on", (string?)await show.ExecuteScalarAsync());
    }
}
