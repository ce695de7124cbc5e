using Coordination.Contracts.Feeds;
using Coordination.Grains.Committees;
using Coordination.Grains.Hosting;
using Coordination.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Coordination.Tests.Committees;

/// <summary>
/// An in-process cluster for committee grain tests: fake domain clock, in-memory grain storage named
/// "coordination" and in-memory reminders, feeds on a fresh migrated PostgreSQL database, and a feed
/// writer that can be made to fail at the crash points between the plan's write and the feeds'.
/// </summary>
public sealed class CommitteeClusterFixture : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    /// <summary>Monday 5 January 2026, 00:00 UTC. Only moves when a test moves it, and only forwards.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero));

    public FaultyFeedWriter Faults { get; } = new();

    public IClusterClient Client => _cluster?.Client ?? throw new InvalidOperationException("The cluster is not deployed.");

    public async Task InitializeAsync()
    {
        var connectionString = await TestDatabase.CreateMigratedAsync("committees");
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                // Retries are driven by the tests, not by a real-time timer racing them.
                ["Coordination:Committees:OutboxRetryDelay"] = "01:00:00",
                ["Coordination:DataProtection:KeyDirectory"] = Path.Combine(Path.GetTempPath(), $"coordination-grain-keys-{Guid.NewGuid():N}"),
            });

            // Registered before AddCoordinationGrains, whose TryAdds then keep these.
            host.Services.AddKeyedSingleton<TimeProvider>(CoordinationGrainsExtensions.ClockKey, Clock);
            host.Services.AddSingleton<ICommitteeFeedWriter>(sp =>
            {
                Faults.Inner = ActivatorUtilities.CreateInstance<CommitteeFeedWriter>(sp);
                return Faults;
            });
            host.Services.AddCoordinationGrains(host.Configuration, connectionString);
        });
        builder.ConfigureSilo((_, silo) => silo.AddMemoryGrainStorage("coordination").UseInMemoryReminderService());

        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAllSilosAsync();
            await _cluster.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class CommitteeClusterCollection : ICollectionFixture<CommitteeClusterFixture>
{
    public const string Name = "Committee cluster";
}

public enum FeedFault
{
    /// <summary>The silo dies after the plan is stored, before the feed transaction commits.</summary>
    BeforeAppend,

    /// <summary>The feed transaction commits but its answer never arrives.</summary>
    AfterCommit,
}

/// <summary>The real feed writer, made to fail once for one committee when a test asks.</summary>
public sealed class FaultyFeedWriter : ICommitteeFeedWriter
{
    private (string CommitteeId, FeedFault Fault)? _armed;

    public ICommitteeFeedWriter? Inner { get; set; }

    public void FailNextFor(string committeeId, FeedFault fault) => _armed = (committeeId, fault);

    public async Task<IReadOnlyList<(string AgencyId, FeedItem Item)>> WriteAsync(
        IReadOnlyList<NewFeedItem> items, IReadOnlyList<FeedResolution> settlements, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        FeedFault? fault = null;
        if (_armed is { } armed && items.Any(i => i.CommitteeId == armed.CommitteeId))
        {
            fault = armed.Fault;
            _armed = null;
        }

        if (fault == FeedFault.BeforeAppend)
        {
            throw new TimeoutException("Injected: the feed was never written.");
        }

        var written = await Inner!.WriteAsync(items, settlements, now, cancellationToken);
        return fault == FeedFault.AfterCommit ? throw new TimeoutException("Injected: the feed commit's answer was lost.") : written;
    }
}
