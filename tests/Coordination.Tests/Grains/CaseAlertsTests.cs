using Coordination.Contracts.Cases;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Cases;
using static Coordination.Tests.Grains.SampleCases;

namespace Coordination.Tests.Grains;

/// <summary>Alert composition on its own: who hears of what a command did, and which open alerts it settles.</summary>
public sealed class CaseAlertsTests
{
    private static readonly CaseEvent Departed = new(7, CaseEventType.Departed, Later, Post, "consul", null);

    [Fact]
    public void A_routing_alerts_the_chosen_agency_for_the_flagging_post_or_else_tells_the_post_nobody_matches()
    {
        var referral = ReferralTo("r1", Shelter, ReferralStatus.Pending);
        var routed = CaseAlerts.Routed(new Routing(Case(referrals: [referral]), referral, null));
        var unmatched = CaseAlerts.Routed(new Routing(Case(), null, "no receiving agency serves Chui (KG) with the needed services"));

        Assert.Equal((Shelter, FeedItemType.ReferralReceived, "referral:KG-2026-000042:r1", Post), (routed.AgencyId, routed.Type, routed.DedupeKey, routed.CausedByAgencyId));
        Assert.True(routed.RequiresAck);
        Assert.Equal((Post, FeedItemType.NoReceivingAgency, "no-receiver:KG-2026-000042:v4"), (unmatched.AgencyId, unmatched.Type, unmatched.DedupeKey));
        Assert.Equal("no receiving agency serves Chui (KG) with the needed services", unmatched.Data["reason"]);
    }

    [Fact]
    public void A_booking_asks_the_pickup_agency_to_meet_the_flight_and_tells_every_other_involved_agency()
    {
        var before = Case(CaseStatus.DocumentsIssued, [ReferralTo("r1", "kg-ngo-osh", ReferralStatus.Accepted)]);
        var booked = before with { Status = CaseStatus.TravelBooked, Travel = Flight(pickup: Shelter), Version = 5 };
        var e = new CaseEvent(5, CaseEventType.TravelBooked, Later, Post, "consul", "KC 912 IST-FRU");

        var (feed, settled) = CaseAlerts.TravelBooked(before, booked, e, new Journey(booked.Travel!, null, null), AgencyNamed(Shelter, airports: ["FRU"]), Staff(Post));

        Assert.Equal(
            new[] { (Shelter, FeedItemType.PickupRequested, "pickup:KG-2026-000042:v5"), ("kg-ngo-osh", FeedItemType.CaseUpdated, "case-updated:KG-2026-000042:5") },
            feed.Select(i => (i.AgencyId, i.Type, i.DedupeKey)));
        Assert.Equal(2, feed[0].Checkpoints!.Count);
        Assert.Empty(settled);
    }

    [Fact]
    public void A_rebooking_that_nobody_meets_tells_the_post_and_settles_the_previous_pickup_request()
    {
        var before = Case(CaseStatus.TravelBooked, travel: Flight(pickup: Shelter));
        var rebooked = before with { Travel = Flight("TK 346"), Version = 5 };
        var e = new CaseEvent(5, CaseEventType.TravelBooked, Later, Post, "consul", "TK 346 IST-FRU");

        var (feed, settled) = CaseAlerts.TravelBooked(before, rebooked, e, new Journey(rebooked.Travel!, null, null), null, Staff(Post));

        var item = Assert.Single(feed);
        Assert.Equal((Post, FeedItemType.NoReceivingAgency, "no-receiver:KG-2026-000042:pickup-v5"), (item.AgencyId, item.Type, item.DedupeKey));
        Assert.Equal(new FeedSettlement(Shelter, "pickup:KG-2026-000042:", "staff@kg-consulate-istanbul"), Assert.Single(settled));
    }

    [Fact]
    public void Case_updates_go_to_every_involved_agency_but_those_excluded()
    {
        var c = Case(CaseStatus.InTransit, [ReferralTo("r1", Shelter, ReferralStatus.Accepted), ReferralTo("r2", "kg-ngo-osh", ReferralStatus.Declined)],
            Flight(pickup: "kg-airport-team"));

        var updates = CaseAlerts.UpdatesFor(c, Departed, exclude: [Post]).ToList();

        Assert.Equal(new[] { Shelter, "kg-airport-team" }, updates.Select(u => u.AgencyId));
        Assert.All(updates, u => Assert.Equal("case-updated:KG-2026-000042:7", u.DedupeKey));
    }

    /// <summary>A person met (or withdrawn) needs no pickup reminder, nor the arrival watch's alerts at the pickup agency and the post.</summary>
    private static readonly string[] ArrivalSettled =
    [
        "kg-airport-team pickup:KG-2026-000042:", "kg-airport-team arrival-not-confirmed:KG-2026-000042:", $"{Post} arrival-not-confirmed:KG-2026-000042:",
    ];

    public static TheoryData<CaseEventType, string[]> Settlements() => new()
    {
        { CaseEventType.Arrived, [.. ArrivalSettled] },
        { CaseEventType.ReceivedByAgency, [.. ArrivalSettled] },
        {
            CaseEventType.Withdrawn,
            [
                .. ArrivalSettled, $"{Shelter} referral:KG-2026-000042:", "kg-ngo-osh referral:KG-2026-000042:",
                $"{Post} no-receiver:KG-2026-000042:",
            ]
        },
        {
            CaseEventType.Closed,
            [
                "kg-airport-team pickup:KG-2026-000042:", $"{Shelter} referral:KG-2026-000042:", "kg-ngo-osh referral:KG-2026-000042:",
                $"{Post} no-receiver:KG-2026-000042:",
            ]
        },
        { CaseEventType.Departed, [] },
        { CaseEventType.ConsentWithdrawn, [] },
    };

    [Theory]
    [MemberData(nameof(Settlements))]
    public void An_event_settles_the_open_alerts_it_makes_moot(CaseEventType type, string[] expected)
    {
        var c = Case(CaseStatus.InTransit,
            [ReferralTo("r1", Shelter, ReferralStatus.Declined, "full"), ReferralTo("r2", "kg-ngo-osh", ReferralStatus.Pending), ReferralTo("r3", Shelter, ReferralStatus.Accepted)],
            Flight(pickup: "kg-airport-team"));

        var settled = CaseAlerts.SettledBy(c, type, "worker");

        Assert.Equal(expected, settled.Select(s => $"{s.AgencyId} {s.DedupeKeyPrefix}"));
        Assert.All(settled, s => Assert.Equal("worker", s.SettledBy));
    }
}
