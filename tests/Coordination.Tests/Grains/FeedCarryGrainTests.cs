using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Feeds;
using Coordination.ServiceDefaults;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coordination.Tests.Grains;

/// <summary>
/// The short road from a case to an idle feed (<see cref="FeedCarry"/>) through the grains: a
/// reservation nobody reports on lapses, and a flag whose carried write another activation of the
/// feed refuses is committed through the outbox instead, with no gap or duplicate in the feed.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class FeedCarryGrainTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task A_reservation_nobody_reports_on_lapses_and_the_feed_writes_again_from_its_stored_head()
    {
        var s = new Scenario(fixture);
        var (_, ngo) = await s.PostAndShelterAfterOneFlag("KZ", "Almaty");
        var feed = s.FeedOf(ngo);

        // A producer reserves, then dies before writing or reporting.
        var reservation = await feed.Reserve(Delivery(ngo, "never written"));
        Assert.NotNull(reservation);
        Assert.Equal(1, reservation.Head);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        await feed.Deliver(Delivery(ngo, "written after the lease"));

        Assert.True(waited.Elapsed >= FeedCarry.Lease - TimeSpan.FromMilliseconds(100), $"written {waited.Elapsed} after the reservation");
        var items = await s.Feed(ngo);
        Assert.Equal([1L, 2L], items.Select(i => i.Seq));
        Assert.Equal("written after the lease", items[1].Summary);
    }

    [Fact]
    public async Task A_flag_whose_carried_write_another_activation_of_the_feed_refuses_is_committed_through_the_outbox()
    {
        var s = new Scenario(fixture);
        var (post, ngo) = await s.PostAndShelterAfterOneFlag("AM", "Shirak");

        // A second activation of the feed (one left on a silo declared dead while it still ran) moves
        // the head past the one the grain holds, and reserves from.
        await using var db = CoordinationDatabase.CreateDataSource(fixture.ConnectionString);
        var elsewhere = new FeedLog(ngo.Id, Integration.FeedLogTests.Writes(db), new AckOptions(), s.Clock, _ => { }, NullLogger.Instance);
        await elsewhere.DeliverAsync(Delivery(ngo, "written elsewhere"));

        var second = await s.Flag(post, s.NewCase("AM", s.Region("Shirak"), [Need.Shelter]));

        var items = await s.Feed(ngo);
        Assert.Equal([1L, 2L, 3L], items.Select(i => i.Seq));
        Assert.Equal(second.Id, items[2].CaseId);
        Assert.Equal(FeedItemType.ReferralReceived, items[2].Type);
        await using var outbox = db.CreateCommand("SELECT count(*) FROM feed_outbox WHERE agency_id = @agency");
        outbox.Parameters.AddWithValue("agency", ngo.Id);
        Assert.Equal(0L, (long)(await outbox.ExecuteScalarAsync())!);
    }

    private static FeedDelivery Delivery(Agency agency, string summary) =>
        new(agency.Id, Guid.NewGuid(), DateTimeOffset.UtcNow, [],
            [new NewFeedItem(agency.Id, $"test:{Guid.NewGuid():N}", FeedItemType.CaseUpdated, FeedItemKind.Alert, null, null, null,
                summary, Urgency.Routine, RequiresAck: false, CausedByAgencyId: null, new Dictionary<string, string>())]);
}
