using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Committees;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Feeds;
using Coordination.Grains.Hosting;
using Coordination.ServiceDefaults;
using Coordination.Tests.Infrastructure;
using Npgsql;
using Orleans.Hosting;
using Orleans.Core.Internal;

namespace Coordination.Tests.Grains;

/// <summary>
/// The grains when the network between them and PostgreSQL fails at the worst moments: a COMMIT whose
/// answer is lost. Faults come from a real TCP proxy in front of the test database.
/// </summary>
[Collection(DatabaseFaultCollection.Name)]
public sealed class DatabaseFaultTests(DatabaseFaultClusterFixture fixture)
{
    [Fact]
    public async Task A_command_whose_commit_answer_was_lost_leaves_the_case_as_committed_and_the_next_command_succeeds()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-consulate-lost-commit", "KG");
        await s.Receiving("kg-shelter-lost-commit", "KG", [s.Region("Chui")], [AgencyService.Shelter]);
        var flagged = await s.Flag(post, s.NewCase("KG", s.Region("Chui"), [Need.Shelter]));
        var grain = s.Case(flagged.Id);

        var dropped = fixture.Proxy.DropCommitAnswerOfNextTransactionWith("UPDATE cases");
        var lost = await Scenario.Refused(() => grain.RecordEvent(CaseEventType.Verified, null, flagged.Version, Scenario.Staff(post)));
        await dropped.WaitAsync(TimeSpan.FromSeconds(30));

        // Unavailable (a 503 for the caller), and not a claim that nothing changed: it did.
        Assert.Equal(DomainErrorKind.Unavailable, lost.Kind);
        Assert.Equal("Outcome unknown", lost.Title);
        Assert.DoesNotContain("Nothing was changed", lost.Detail, StringComparison.Ordinal);

        var read = await grain.Get(Scenario.Staff(post));
        Assert.Equal(CaseStatus.Verified, read!.Status);
        Assert.Equal(flagged.Version + 1, read.Version);

        var next = await grain.RecordEvent(CaseEventType.DocumentsIssued, null, read.Version, Scenario.Staff(post));
        Assert.Equal(CaseStatus.DocumentsIssued, next.Status);
        var timeline = await grain.Timeline(Scenario.Staff(post));
        Assert.Equal(Enumerable.Range(1, timeline.Count), timeline.Select(e => e.Seq));
        Assert.Equal([CaseEventType.Verified, CaseEventType.DocumentsIssued], timeline.TakeLast(2).Select(e => e.Type));
    }

    [Fact]
    public async Task A_flag_whose_commit_answer_was_lost_is_answered_with_the_committed_case_when_retried_with_its_key()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("tj-consulate-lost-commit", "TJ");
        await s.Receiving("tj-shelter-lost-commit", "TJ", [s.Region("Sughd")], [AgencyService.Shelter]);
        var command = s.NewCase("TJ", s.Region("Sughd"), [Need.Shelter]);

        var dropped = fixture.Proxy.DropCommitAnswerOfNextTransactionWith("INSERT INTO cases");
        var lost = await Scenario.Refused(() => s.Intake.Flag(command, Scenario.Staff(post), Scenario.EveryDoor, "lost-commit-key", "hash-1"));
        await dropped.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("Outcome unknown", lost.Title);

        var retried = await s.Intake.Flag(command, Scenario.Staff(post), Scenario.EveryDoor, "lost-commit-key", "hash-1");
        Assert.False(retried.Created);
        Assert.Equal(CaseStatus.Flagged, retried.Case.Status);
        Assert.Equal(s.FullName, retried.Case.Person?.FullName);

        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM cases WHERE flagged_by = @post", connection);
        count.Parameters.AddWithValue("post", post.Id);
        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Grains_activated_while_the_database_is_unreachable_answer_unavailable_and_serve_once_it_is_back()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("uz-consulate-activation", "UZ");
        await s.Directory.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        var feed = s.Client.GetGrain<IAgencyFeedGrain>(post.Id);

        fixture.Proxy.Refuse(true);
        try
        {
            // Both activate now: the directory reads every agency, the feed its pending deadlines.
            Assert.Equal(DomainErrorKind.Unavailable, (await Scenario.Refused(() => s.Directory.Get(post.Id))).Kind);
            Assert.Equal(DomainErrorKind.Unavailable, (await Scenario.Refused(() => feed.Since(0, 10))).Kind);
        }
        finally
        {
            fixture.Proxy.Refuse(false);
        }

        Assert.Equal(post.Id, (await s.Directory.Get(post.Id))?.Id);
        Assert.Empty(await feed.Since(0, 10));
    }

    [Fact]
    public async Task A_committee_activated_while_the_database_is_unreachable_answers_unavailable_and_serves_once_it_is_back()
    {
        var s = new Scenario(fixture);
        var committee = await s.Directory.Create(new Agency(
            $"kg-committee-activation-{s.Suffix}", "Committee", AgencyKind.Committee, "KG", null, null, "Asia/Bishkek", [], [], []));
        var secretary = new CommitteeCaller(new Actor($"secretary-{committee.Id}", committee.Id), Secretary: true, Member: false);
        var grain = s.Client.GetGrain<ICommitteeGrain>(committee.Id);
        Assert.Empty((await grain.Plan(secretary)).Tasks);
        await grain.AsReference<IGrainManagementExtension>().DeactivateOnIdle();

        fixture.Proxy.Refuse(true);
        try
        {
            // The activation itself never fails (its catch-up is retried); reading the plan is refused.
            var refused = await Assert.ThrowsAsync<DomainException>(() => grain.Plan(secretary));
            Assert.Equal(DomainErrorKind.Unavailable, refused.Kind);
        }
        finally
        {
            fixture.Proxy.Refuse(false);
        }

        // The first call after the database returns may meet a pooled connection that died with it;
        // that failure empties the pool, so the next call is served.
        try
        {
            await grain.Plan(secretary);
        }
        catch (DomainException e) when (e.Kind == DomainErrorKind.Unavailable)
        {
        }

        Assert.Empty((await grain.Plan(secretary)).Tasks);
    }

    [Fact]
    public async Task A_deadline_check_that_failed_during_an_outage_is_retried_until_the_item_escalates()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kz-consulate-outage-deadline", "KZ");
        var shelter = await s.Receiving("kz-shelter-outage-deadline", "KZ", [s.Region("Almaty")], [AgencyService.Shelter]);
        var flagged = await s.Flag(post, s.NewCase("KZ", s.Region("Almaty"), [Need.Shelter], urgency: Urgency.Critical));
        s.Clock.Advance(new AckOptions().Critical + TimeSpan.FromMinutes(1));

        // What the feed's deadline timer meets when it fires during an outage.
        fixture.Proxy.Refuse(true);
        try
        {
            Assert.Equal(DomainErrorKind.Unavailable, (await Scenario.Refused(() => s.FeedOf(shelter).CatchUp())).Kind);
        }
        finally
        {
            fixture.Proxy.Refuse(false);
        }

        // Nobody asks again (the periodic sweep is off here, and no silo starts or dies meanwhile
        // to wake the feed): its timer retries by itself within FailedCheckRetryMax of the database's return.
        var back = DateTime.UtcNow;
        await using var db = CoordinationDatabase.CreateDataSource(fixture.ConnectionString);
        IReadOnlyList<FeedItem> feed;
        do
        {
            Assert.True(DateTime.UtcNow - back < TimeSpan.FromSeconds(30), "the failed deadline check was not retried");
            await Task.Delay(200);
            feed = await FeedStore.SinceAsync(db, shelter.Id, 0, 100);
        }
        while (!feed.Any(i => i.Type == FeedItemType.AckOverdue));

        var referral = feed.Single(i => i.Type == FeedItemType.ReferralReceived && i.CaseId == flagged.Id);
        Assert.Equal(referral.Id.ToString(), Assert.Single(feed, i => i.Type == FeedItemType.AckOverdue).Data["itemId"]);
    }
}

/// <summary>
/// An in-process cluster whose grains reach PostgreSQL through <see cref="PostgresProxy"/>, with the
/// silo's database-unavailable filter installed as in production.
/// </summary>
public sealed class DatabaseFaultClusterFixture() : InProcessClusterFixture(new DateTimeOffset(2026, 3, 2, 6, 0, 0, TimeSpan.Zero))
{
    private PostgresProxy? _proxy;

    public PostgresProxy Proxy => _proxy ?? throw new InvalidOperationException("The cluster is not deployed.");

    protected override string DatabasePurpose => "db_faults";

    // Escalations here come from the feeds' own timers and retries only.
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Coordination:Ack:SweepEvery"] = "1.00:00:00",
    };

    protected override string GrainConnectionString(string connectionString)
    {
        _proxy = PostgresProxy.Start(connectionString);
        return _proxy.ConnectionString;
    }

    // As in production: the call filter, and the ADO.NET grain storage (committees) behind the proxy too.
    protected override void ConfigureSilo(ISiloBuilder silo)
    {
        silo.AddIncomingGrainCallFilter<DatabaseUnavailableFilter>();
        silo.AddAdoNetGrainStorage("coordination", o =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = Proxy.ConnectionString;
        });
        silo.Services.TranslateDatabaseFailuresOfGrainStorage("coordination", Proxy.ConnectionString);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DatabaseFaultCollection : ICollectionFixture<DatabaseFaultClusterFixture>
{
    public const string Name = "Database fault cluster";
}
