using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Feeds;
using Coordination.ServiceDefaults;

namespace Coordination.Tests.Grains;

/// <summary>
/// <see cref="IAgencyFeedGrain"/>: gapless per-agency sequence numbers, idempotent acknowledgement
/// and escalation of unacknowledged items, driven by the fake domain clock.
/// </summary>
/// <remarks>
/// The grain also escalates by itself (its real-time timer, and the silo's deadline sweeper). Those run on
/// Orleans' real clock while deadlines are on the fake one, so they can only ever do, a little
/// earlier, what the explicit <c>EscalateDue()</c> call does. The tests therefore assert what is in
/// the feeds, not how many items one particular call raised — except that nothing is raised early.
/// </remarks>
[Collection(GrainClusterCollection.Name)]
public sealed class AgencyFeedGrainTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task Cases_flagged_concurrently_to_one_agency_get_contiguous_seqs_from_1_without_duplicates()
    {
        const int Cases = 30;
        var s = new Scenario(fixture);
        var posts = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => s.Post($"kg-post-{i}", "KG")));
        var shelter = await s.Receiving("kg-shelter", "KG", [s.Region("Chui")], [AgencyService.Shelter], AgencyKind.Shelter);

        var flagged = await Task.WhenAll(Enumerable.Range(0, Cases).Select(i =>
            s.Intake.Flag(s.NewCase("KG", s.Region("Chui"), [Need.Shelter]), Scenario.Staff(posts[i % posts.Length]), Scenario.EveryDoor, null, null)));

        Assert.Equal(Cases, flagged.Select(f => f.Case.Id).Distinct().Count());
        var feed = await s.Feed(shelter);
        Assert.Equal(Enumerable.Range(1, Cases).Select(i => (long)i), feed.Select(i => i.Seq));
        Assert.Equal(Cases, feed.Select(i => i.Id).Distinct().Count());
        Assert.All(feed, i => Assert.Equal(FeedItemType.ReferralReceived, i.Type));
        Assert.Equal(flagged.Select(f => f.Case.Id).Order(StringComparer.Ordinal), feed.Select(i => i.CaseId!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Since_returns_only_the_items_after_the_given_seq_in_ascending_order_up_to_the_limit()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("uz-post", "UZ");
        var ngo = await s.Receiving("uz-ngo", "UZ", [s.Region("Andijan")], [AgencyService.Legal]);
        for (var i = 0; i < 5; i++)
        {
            await s.Flag(post, s.NewCase("UZ", s.Region("Andijan"), [Need.Legal]));
        }

        var feed = s.FeedOf(ngo);

        Assert.Equal(new long[] { 3, 4, 5 }, (await feed.Since(2, 100)).Select(i => i.Seq));
        Assert.Equal(new long[] { 2, 3 }, (await feed.Since(1, 2)).Select(i => i.Seq));
        Assert.Empty(await feed.Since(5, 100));
        Assert.Empty(await s.FeedOf(post).Since(0, 100));
    }

    [Theory]
    [InlineData(Urgency.Critical)]
    [InlineData(Urgency.Urgent)]
    [InlineData(Urgency.Routine)]
    public async Task Acknowledgement_deadline_follows_the_configured_time_for_the_urgency(Urgency urgency)
    {
        var s = new Scenario(fixture);
        var post = await s.Post("tj-post", "TJ");
        var ngo = await s.Receiving("tj-ngo", "TJ", [s.Region("Sughd")], [AgencyService.Medical]);

        await s.Flag(post, s.NewCase("TJ", s.Region("Sughd"), [Need.Medical], urgency: urgency));

        var item = Assert.Single(await s.Feed(ngo));
        Assert.Equal(urgency, item.Urgency);
        var expected = urgency switch
        {
            Urgency.Critical => GrainClusterFixture.CriticalAck,
            Urgency.Urgent => GrainClusterFixture.UrgentAck,
            _ => GrainClusterFixture.RoutineAck,
        };
        Assert.Equal(item.OccurredAt + expected, item.AckDeadline);
        Assert.Null(item.AcknowledgedAt);
    }

    [Fact]
    public async Task Acknowledging_twice_keeps_the_first_acknowledgement()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kz-post", "KZ");
        var ngo = await s.Receiving("kz-ngo", "KZ", [s.Region("Shymkent")], [AgencyService.Psychological]);
        await s.Flag(post, s.NewCase("KZ", s.Region("Shymkent"), [Need.Psychological]));
        var item = Assert.Single(await s.Feed(ngo));

        var first = await s.FeedOf(ngo).Acknowledge(item.Id, "aigul");
        s.Clock.Advance(TimeSpan.FromMinutes(3));
        var second = await s.FeedOf(ngo).Acknowledge(item.Id, "marat");

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Equal("aigul", first.AcknowledgedBy);
        Assert.NotNull(first.AcknowledgedAt);
        Assert.Equal(first.AcknowledgedAt, second.AcknowledgedAt);
        Assert.Equal(first.AcknowledgedBy, second.AcknowledgedBy);
        Assert.Equal(item.Seq, second.Seq);
        var stored = Assert.Single(await s.Feed(ngo));
        Assert.Equal(first.AcknowledgedAt, stored.AcknowledgedAt);
        Assert.Equal("aigul", stored.AcknowledgedBy);
    }

    [Fact]
    public async Task Acknowledging_an_item_of_another_agency_returns_null_and_leaves_it_unacknowledged()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kz-post", "KZ");
        var ngo = await s.Receiving("kz-ngo", "KZ", [s.Region("Aktobe")], [AgencyService.Legal]);
        await s.Flag(post, s.NewCase("KZ", s.Region("Aktobe"), [Need.Legal]));
        var item = Assert.Single(await s.Feed(ngo));

        Assert.Null(await s.FeedOf(post).Acknowledge(item.Id, "nosy"));
        Assert.Null(await s.FeedOf(ngo).Acknowledge(Guid.NewGuid(), "someone"));
        Assert.Null(Assert.Single(await s.Feed(ngo)).AcknowledgedAt);
    }

    [Fact]
    public async Task Nothing_escalates_before_the_deadline()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-post", "KG");
        var shelter = await s.Receiving("kg-shelter", "KG", [s.Region("Naryn")], [AgencyService.Shelter], AgencyKind.Shelter);
        await s.Flag(post, s.NewCase("KG", s.Region("Naryn"), [Need.Shelter], urgency: Urgency.Critical));

        s.Clock.Advance(GrainClusterFixture.CriticalAck - TimeSpan.FromSeconds(1));

        Assert.Equal(0, await s.FeedOf(shelter).CatchUp());
        Assert.Equal(0, await s.FeedOf(post).CatchUp());
        Assert.DoesNotContain(await s.Feed(shelter), i => i.Type == FeedItemType.AckOverdue);
        Assert.DoesNotContain(await s.Feed(post), i => i.Type == FeedItemType.AckOverdue);
    }

    [Fact]
    public async Task Unacknowledged_critical_referral_escalates_to_recipient_and_flagging_post_and_repeats_until_acknowledged()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-post", "KG");
        var shelter = await s.Receiving("kg-shelter", "KG", [s.Region("Talas")], [AgencyService.Shelter], AgencyKind.Shelter);
        var flagged = await s.Flag(post, s.NewCase("KG", s.Region("Talas"), [Need.Shelter], urgency: Urgency.Critical));
        var referral = Assert.Single(await s.Feed(shelter));
        Assert.Equal(flagged.Id, referral.CaseId);
        var feed = s.FeedOf(shelter);

        // Round 1: just past the deadline.
        s.Clock.Advance(GrainClusterFixture.CriticalAck + TimeSpan.FromSeconds(1));
        await feed.CatchUp();

        AssertOverdue(await s.Feed(shelter), referral, shelter, rounds: 1);
        AssertOverdue(await s.Feed(post), referral, shelter, rounds: 1);

        // Calling again at the same moment raises nothing new.
        Assert.Equal(0, await feed.CatchUp());

        // Round 2: one repeat interval later, still unacknowledged.
        s.Clock.Advance(GrainClusterFixture.RepeatEvery);
        await feed.CatchUp();

        AssertOverdue(await s.Feed(shelter), referral, shelter, rounds: 2);
        AssertOverdue(await s.Feed(post), referral, shelter, rounds: 2);

        // Acknowledged: no further rounds, however long we wait.
        Assert.NotNull(await feed.Acknowledge(referral.Id, "duty-officer"));
        s.Clock.Advance(GrainClusterFixture.RepeatEvery * 3);
        Assert.Equal(0, await feed.CatchUp());

        AssertOverdue(await s.Feed(shelter), referral, shelter, rounds: 2);
        AssertOverdue(await s.Feed(post), referral, shelter, rounds: 2);
    }

    [Fact]
    public async Task Item_acknowledged_before_its_deadline_never_escalates()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("uz-post", "UZ");
        var ngo = await s.Receiving("uz-ngo", "UZ", [s.Region("Navoi")], [AgencyService.Legal]);
        await s.Flag(post, s.NewCase("UZ", s.Region("Navoi"), [Need.Legal], urgency: Urgency.Critical));
        var item = Assert.Single(await s.Feed(ngo));

        await s.FeedOf(ngo).Acknowledge(item.Id, "caseworker");
        s.Clock.Advance(GrainClusterFixture.CriticalAck + GrainClusterFixture.RepeatEvery * 2);

        Assert.Equal(0, await s.FeedOf(ngo).CatchUp());
        Assert.Single(await s.Feed(ngo));
        Assert.Empty(await s.Feed(post));
    }

    [Fact]
    public async Task Overdue_pickup_request_escalates_to_the_airport_agency_and_the_post_that_booked_it()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-post", "KG");
        await s.Receiving("kg-shelter", "KG", [s.Region("Chui")], [AgencyService.Shelter], AgencyKind.Shelter);
        var airportTeam = await s.Receiving("kg-arrivals", "KG", [s.Region("Bishkek"), s.Region("Chui")], [AgencyService.Escort],
            airports: ["FRU"], timeZone: "Asia/Bishkek");
        var flagged = await s.Flag(post, s.NewCase("KG", s.Region("Chui"), [Need.Shelter], urgency: Urgency.Urgent));
        await s.Case(flagged.Id).BookTravel(
            new Travel("TK 348", "IST", "FRU", s.Clock.GetUtcNow().AddDays(1), "none", "passport", null), Scenario.Staff(post));
        var pickup = Assert.Single(await s.Feed(airportTeam));

        s.Clock.Advance(GrainClusterFixture.UrgentAck + TimeSpan.FromSeconds(1));
        await s.FeedOf(airportTeam).CatchUp();

        AssertOverdue(await s.Feed(airportTeam), pickup, airportTeam, rounds: 1);
        AssertOverdue(await s.Feed(post), pickup, airportTeam, rounds: 1);
    }

    [Fact]
    public async Task A_pickup_nobody_acknowledges_escalates_24_hours_before_landing_when_that_comes_before_its_deadline()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-post", "KG");
        await s.Receiving("kg-shelter", "KG", [s.Region("Chui")], [AgencyService.Shelter], AgencyKind.Shelter);
        var airportTeam = await s.Receiving("kg-arrivals", "KG", [s.Region("Bishkek"), s.Region("Chui")], [AgencyService.Escort],
            airports: ["FRU"], timeZone: "Asia/Bishkek");
        var flagged = await s.Flag(post, s.NewCase("KG", s.Region("Chui"), [Need.Shelter], urgency: Urgency.Routine));
        var landing = s.Clock.GetUtcNow().AddHours(27);
        await s.Case(flagged.Id).BookTravel(new Travel("TK 348", "IST", "FRU", landing, "none", "passport", null), Scenario.Staff(post));
        var pickup = Assert.Single(await s.Feed(airportTeam));

        // Routine would allow hours more; the day-before checkpoint comes first.
        Assert.Equal(landing - TimeSpan.FromHours(24), pickup.AckDeadline);
        s.Clock.Advance(TimeSpan.FromHours(3) - TimeSpan.FromSeconds(1));
        await s.FeedOf(airportTeam).CatchUp();
        AssertOverdue(await s.Feed(airportTeam), pickup, airportTeam, rounds: 0);

        s.Clock.Advance(TimeSpan.FromSeconds(2));
        await s.FeedOf(airportTeam).CatchUp();
        AssertOverdue(await s.Feed(airportTeam), pickup, airportTeam, rounds: 1);
    }

    [Fact]
    public async Task A_change_committed_to_the_outbox_but_never_handed_to_its_feed_is_written_by_the_sweep()
    {
        var s = new Scenario(fixture);
        var ngo = await s.Receiving("tj-ngo", "TJ", [s.Region("Sughd")], [AgencyService.Shelter]);

        // What a case grain leaves when its silo dies between its COMMIT and the hand-off.
        await using var db = CoordinationDatabase.CreateDataSource(fixture.ConnectionString);
        await using (var connection = await db.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using var batch = new Npgsql.NpgsqlBatch(connection, transaction);
            FeedStore.AddToOutbox(batch, [new FeedDelivery(ngo.Id, Guid.NewGuid(), s.Clock.GetUtcNow(), [],
                [new NewFeedItem(ngo.Id, $"orphan-{s.Suffix}", FeedItemType.ReferralReceived, FeedItemKind.Alert, null, null, null,
                    "Referral whose hand-off was lost", Urgency.Urgent, RequiresAck: true, CausedByAgencyId: null, new Dictionary<string, string>())])]);
            await batch.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
        }

        s.Clock.Advance(new AckOptions().SweepGrace + new AckOptions().SweepEvery + TimeSpan.FromSeconds(1));

        var waited = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyList<FeedItem> feed;
        do
        {
            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(1), "the sweep did not deliver the outbox");
            await Task.Delay(100);
            feed = await FeedStore.SinceAsync(db, ngo.Id, 0, 100);
        }
        while (feed.Count == 0);

        var item = Assert.Single(feed);
        Assert.Equal(1, item.Seq);
        Assert.Equal("Referral whose hand-off was lost", item.Summary);
        await using var outbox = db.CreateCommand("SELECT count(*) FROM feed_outbox WHERE agency_id = @agency");
        outbox.Parameters.AddWithValue("agency", ngo.Id);
        Assert.Equal(0L, (long)(await outbox.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task An_overdue_item_whose_feed_never_armed_a_timer_is_escalated_by_the_sweep()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("tj-post", "TJ");
        var ngo = await s.Receiving("tj-ngo", "TJ", [s.Region("Sughd")], [AgencyService.Shelter]);
        var ack = new AckOptions
        {
            Critical = GrainClusterFixture.CriticalAck,
            Urgent = GrainClusterFixture.UrgentAck,
            Routine = GrainClusterFixture.RoutineAck,
            RepeatEvery = GrainClusterFixture.RepeatEvery,
        };

        // Written by another activation of the feed (one left on a silo declared dead while it still
        // ran): the feed's grain armed no timer for it.
        await using var db = CoordinationDatabase.CreateDataSource(fixture.ConnectionString);
        var other = new FeedLog(ngo.Id, Integration.FeedLogTests.Writes(db), ack, s.Clock, _ => { }, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        await other.DeliverAsync(new FeedDelivery(ngo.Id, Guid.NewGuid(), s.Clock.GetUtcNow(), [],
            [new NewFeedItem(ngo.Id, $"unannounced-{s.Suffix}", FeedItemType.ReferralReceived, FeedItemKind.Alert, null, null, null,
                "Referral nobody armed a timer for", Urgency.Critical, RequiresAck: true, CausedByAgencyId: post.Id,
                new Dictionary<string, string>())]));

        var item = Assert.Single(await FeedStore.SinceAsync(db, ngo.Id, 0, 100));

        // Past the deadline by more than the sweep's grace, and a sweep interval later.
        s.Clock.Advance(GrainClusterFixture.CriticalAck + new AckOptions().SweepGrace + new AckOptions().SweepEvery + TimeSpan.FromSeconds(1));

        var waited = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyList<FeedItem> feed;
        do
        {
            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(1), "the sweep did not escalate the overdue item");
            await Task.Delay(100);
            feed = await FeedStore.SinceAsync(db, ngo.Id, 0, 100);
        }
        while (!feed.Any(i => i.Type == FeedItemType.AckOverdue));

        // The post's alert is handed to its feed after the escalation commits.
        IReadOnlyList<FeedItem> postFeed;
        do
        {
            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(1), "the post's feed did not receive the overdue alert");
            await Task.Delay(100);
            postFeed = await FeedStore.SinceAsync(db, post.Id, 0, 100);
        }
        while (!postFeed.Any(i => i.Type == FeedItemType.AckOverdue));

        AssertOverdue(feed, item, ngo, rounds: 1);
        AssertOverdue(postFeed, item, ngo, rounds: 1);
    }

    /// <summary>The feed holds exactly <paramref name="rounds"/> AckOverdue items about <paramref name="overdue"/>, numbered 1..rounds.</summary>
    private static void AssertOverdue(IReadOnlyList<FeedItem> feed, FeedItem overdue, Agency recipient, int rounds)
    {
        var alerts = feed.Where(i => i.Type == FeedItemType.AckOverdue && i.Data["itemId"] == overdue.Id.ToString()).ToList();
        Assert.Equal(rounds, alerts.Count);
        Assert.All(alerts, a =>
        {
            Assert.Equal(recipient.Id, a.Data["recipientAgencyId"]);
            Assert.Equal(overdue.Type.ToString(), a.Data["itemType"]);
            Assert.Equal(overdue.CaseId, a.CaseId);
            Assert.Equal(FeedItemKind.Alert, a.Kind);
            Assert.False(a.RequiresAck);
        });
        Assert.Equal(Enumerable.Range(1, rounds).Select(r => r.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            alerts.Select(a => a.Data["escalation"]));
        Assert.Equal(feed.Select(i => i.Seq).Order(), feed.Select(i => i.Seq));
    }
}
