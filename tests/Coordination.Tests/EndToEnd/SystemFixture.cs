using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.EndToEnd;

/// <summary>One silo and one web host as real processes, shared by the tests of the "system" collection.</summary>
public sealed class SystemFixture : IAsyncLifetime
{
    public CoordinationProcesses System { get; private set; } = null!;

    public async Task InitializeAsync() => System = await CoordinationProcesses.StartAsync("e2e");

    public async Task DisposeAsync() => await System.DisposeAsync();

    /// <summary>Row counts of every table a command could write, to prove a rejected one wrote nothing.</summary>
    public Task<IReadOnlyDictionary<string, long>> CountRowsAsync() =>
        TestDatabase.CountRowsAsync(System.ConnectionString, "agencies", "users", "cases", "case_events", "feed_items", "feed_heads", "feed_outbox", "idempotent_requests");
}

[CollectionDefinition("system")]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>;
