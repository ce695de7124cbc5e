using Coordination.Contracts.Feeds;
using Coordination.Grains.Committees;
using Coordination.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;

namespace Coordination.Tests.Committees;

/// <summary>
/// An in-process cluster for committee grain tests: fake domain clock, in-memory grain storage named
/// "coordination" and in-memory reminders, feeds on a fresh migrated PostgreSQL database, and a feed
/// writer that can be made to fail at the crash points between the plan's write and the feeds'.
/// </summary>
public sealed class CommitteeClusterFixture() : InProcessClusterFixture(new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero))
{
    // The clock starts on Monday 5 January 2026, 00:00 UTC, and only moves forwards.

    public FaultyFeedWriter Faults { get; } = new();

    protected override string DatabasePurpose => "committees";

    // Retries are driven by the tests, not by a real-time timer racing them.
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Coordination:Committees:OutboxRetryDelay"] = "01:00:00",
    };

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<ICommitteeFeedWriter>(sp =>
        {
            Faults.Inner = ActivatorUtilities.CreateInstance<CommitteeFeedWriter>(sp);
            return Faults;
        });

    protected override void ConfigureSilo(ISiloBuilder silo) => silo.AddMemoryGrainStorage("coordination");
}

[CollectionDefinition(Name)]
public sealed class CommitteeClusterCollection : ICollectionFixture<CommitteeClusterFixture>
{
    public const string Name = "Committee cluster";
}

public enum FeedFault
{
    /// <summary>The silo dies after the plan is stored, before the feeds write its items.</summary>
    BeforeAppend,

    /// <summary>The feeds write the items but their answer never arrives.</summary>
    AfterCommit,
}

/// <summary>The real feed writer, made to fail once for one committee when a test asks.</summary>
public sealed class FaultyFeedWriter : ICommitteeFeedWriter
{
    private (string CommitteeId, FeedFault Fault)? _armed;

    public ICommitteeFeedWriter? Inner { get; set; }

    public void FailNextFor(string committeeId, FeedFault fault) => _armed = (committeeId, fault);

    public async Task<bool> WriteAsync(IReadOnlyList<NewFeedItem> items, IReadOnlyList<FeedSettlement> settlements, DateTimeOffset causedAt)
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

        var written = await Inner!.WriteAsync(items, settlements, causedAt);
        return fault == FeedFault.AfterCommit ? throw new TimeoutException("Injected: the feeds' answer was lost.") : written;
    }
}
