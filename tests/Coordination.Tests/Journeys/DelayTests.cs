using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Contracts.Places;
using Coordination.Tests.Grains;

namespace Coordination.Tests.Journeys;

/// <summary>
/// A delay moves the arrival and every deadline tied to it, on the fake clock: the pickup agency's
/// earlier request stops escalating at the old times, and the update escalates at the new ones.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class DelayTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task A_train_delayed_by_three_hours_moves_the_pickup_and_its_checkpoints()
    {
        var s = new Scenario(fixture);
        var almaty = await s.RegisterPlace("ALMATY-2", "Almaty-2", PlaceKind.RailStation, "KZ", "Asia/Almaty");
        var tashkent = await s.RegisterPlace("TASHKENT", "Tashkent", PlaceKind.RailStation, "UZ", "Asia/Tashkent");
        var post = await s.Post("uz-post", "UZ");
        var ngo = await s.Directory.Create(new Agency($"uz-station-ngo-{s.Suffix}", "NGO at Tashkent station", AgencyKind.Ngo, "UZ", null, "Tashkent",
            "Asia/Tashkent", [s.Region("Tashkent")], [], [AgencyService.Shelter], ArrivalPoints: [tashkent.Code]));
        var flagged = await s.Flag(post, s.NewCase("UZ", s.Region("Tashkent"), [Need.Shelter], urgency: Urgency.Routine));
        var c = s.Case(flagged.Id);

        // The train is due in 26 hours: the day-before checkpoint is 2 hours away.
        var start = s.Clock.GetUtcNow();
        var due = start.AddHours(26);
        await c.BookTravel(new Travel(null, null, null, due, "IOM Almaty", "Certificate of return", null, TravelMode.Rail, "0123", almaty.Code, tashkent.Code), Scenario.Staff(post));
        var requested = Assert.Single(await s.Feed(ngo), i => i.Type == FeedItemType.PickupRequested);
        Assert.Equal(due - TimeSpan.FromHours(24), requested.AckDeadline);

        // Three hours late: the pickup, its checkpoints and the case's arrival move with it.
        var delayed = await c.DelayTravel(due.AddHours(3), Scenario.Staff(post));
        Assert.Equal(due.AddHours(3), delayed.Travel!.ScheduledArrival);
        Assert.Equal(CaseStatus.TravelBooked, delayed.Status);
        var feed = await s.Feed(ngo);
        Assert.NotNull(feed.Single(i => i.Id == requested.Id).AcknowledgedAt);
        var updated = Assert.Single(feed, i => i.Type == FeedItemType.PickupUpdated);
        Assert.True(updated.RequiresAck);
        Assert.Equal(due.AddHours(3) - TimeSpan.FromHours(24), updated.AckDeadline);
        Assert.Equal(due.AddHours(3).ToOffset(TimeSpan.FromHours(5)).ToString("yyyy-MM-ddTHH:mm:sszzz"), updated.Data["scheduledArrivalLocal"]);
        Assert.Equal(due.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture), updated.Data["previousScheduledArrival"]);

        // The same arrival again changes nothing.
        Assert.Equal(delayed.Version, (await c.DelayTravel(due.AddHours(3), Scenario.Staff(post))).Version);

        // Past the old checkpoint nothing escalates; past the new one the update does, once.
        s.Clock.Advance(TimeSpan.FromHours(2) + TimeSpan.FromSeconds(1));
        await s.FeedOf(ngo).CatchUp();
        Assert.DoesNotContain(await s.Feed(ngo), i => i.Type == FeedItemType.AckOverdue);

        s.Clock.Advance(TimeSpan.FromHours(3));
        await s.FeedOf(ngo).CatchUp();
        var overdue = Assert.Single(await s.Feed(ngo), i => i.Type == FeedItemType.AckOverdue);
        Assert.Equal(updated.Id.ToString(), overdue.Data["itemId"]);

        var timeline = await c.Timeline(Scenario.Staff(post));
        var moved = timeline.Last();
        Assert.Equal(CaseEventType.TravelDelayed, moved.Type);
        Assert.Contains("Rail 0123 Almaty-2 – Tashkent", moved.Note, StringComparison.Ordinal);

        // Once the person has arrived there is nothing to delay.
        await c.RecordEvent(CaseEventType.Departed, null, null, Scenario.Staff(post));
        await c.RecordEvent(CaseEventType.Arrived, null, null, Scenario.Staff(ngo));
        Assert.Equal(DomainErrorKind.Conflict, (await Scenario.Refused(() => c.DelayTravel(due.AddHours(5), Scenario.Staff(post)))).Kind);
    }
}
