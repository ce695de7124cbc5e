using Coordination.Tests.Infrastructure;
using Coordination.Tests.Statistics;

namespace Coordination.Tests.Committees;

/// <summary>
/// One silo and one web host as real processes for the committee and statistics tests. Every day is
/// a working day starting at midnight, so a task already past its due date is chased the moment it
/// is added: end to end the chase shows up at once, while the grain tests cover the real timing.
/// </summary>
public sealed class CommitteeSystemFixture : IAsyncLifetime
{
    public CoordinationProcesses System { get; private set; } = null!;

    public CaseSeeder Cases => new(System.ConnectionString);

    public async Task InitializeAsync() => System = await CoordinationProcesses.StartAsync("committees", new Dictionary<string, string>
    {
        ["Coordination__Committees__WorkingDays"] = "Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday",
        ["Coordination__Committees__WorkdayStart"] = "00:00:00",
        // The hand-worked figures of the statistics and report tests are single cases, below the
        // minimum cell; suppression itself is proved on the default setting (StatisticsSuppressionTests).
        ["Coordination__Statistics__MinCell"] = "1",
    });

    public async Task DisposeAsync() => await System.DisposeAsync();

    /// <summary>Row counts of the tables a plan import could write, to prove a rejected one wrote nothing.</summary>
    public Task<IReadOnlyDictionary<string, long>> CountRowsAsync() =>
        TestDatabase.CountRowsAsync(System.ConnectionString, "feed_items", "feed_heads", "OrleansStorage", "OrleansRemindersTable");
}

[CollectionDefinition(Name)]
public sealed class CommitteeSystemCollection : ICollectionFixture<CommitteeSystemFixture>
{
    public const string Name = "Committee system";
}
