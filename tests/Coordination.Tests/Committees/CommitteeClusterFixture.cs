using Coordination.Contracts.Feeds;
using Coordination.Grains.Committees;
using Coordination.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;

namespace Coordination.Tests.Committees;

/// <summary>
/// An in-process cluster for committee grain tests: fake domain clock, plans and feeds on a fresh
/// migrated PostgreSQL database, in-memory reminders, Orleans' ADO.NET grain storage "coordination" on
/// the same database (where plans lived before migration 0011), and a feed hand-off that can be made
/// to fail at the crash points between the plan's commit and the feeds' write.
/// </summary>
public sealed class CommitteeClusterFixture() : InProcessClusterFixture(new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero))
{
    // The clock starts on Monday 5 January 2026, 00:00 UTC, and only moves forwards.

    public FaultyFeedWriter Faults { get; } = new();

    protected override string DatabasePurpose => "committees";

    // Retries are driven by the tests, not by a real-time timer racing them.
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Coordination:Committees:FailedCheckRetry"] = "01:00:00",
    };

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<ICommitteeFeedWriter>(sp =>
        {
            Faults.Inner = ActivatorUtilities.CreateInstance<CommitteeFeedWriter>(sp);
            return Faults;
        });

    protected override void ConfigureSilo(ISiloBuilder silo) => silo.AddAdoNetGrainStorage(LegacyCommitteeImport.Provider, o =>
    {
        o.Invariant = "Npgsql";
        o.ConnectionString = ConnectionString;
    });
}

[CollectionDefinition(Name)]
public sealed class CommitteeClusterCollection : ICollectionFixture<CommitteeClusterFixture>
{
    public const string Name = "Committee cluster";
}

public enum FeedFault
{
    /// <summary>The silo dies after the plan is committed, before the feeds write its items.</summary>
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

    public async Task<bool> WriteAsync(IReadOnlyList<FeedDelivery> deliveries)
    {
        FeedFault? fault = null;
        if (_armed is { } armed && deliveries.SelectMany(d => d.Items).Any(i => i.CommitteeId == armed.CommitteeId))
        {
            fault = armed.Fault;
            _armed = null;
        }

        // As the real hand-off reports a feed it could not reach: false, the entries wait in the outbox.
        if (fault == FeedFault.BeforeAppend)
        {
            return false;
        }

        var written = await Inner!.WriteAsync(deliveries);
        return fault != FeedFault.AfterCommit && written;
    }
}
