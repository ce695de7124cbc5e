using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Contracts.Places;
using Coordination.Tests.Grains;
using Npgsql;

namespace Coordination.Tests.Journeys;

/// <summary>
/// The arrival watch on the fake clock: a journey whose arrival nobody records by arrival + grace raises
/// ArrivalNotConfirmed to the pickup agency, the post and the escort, once; a delay moves the watch.
/// </summary>
[Collection(ArrivalClusterCollection.Name)]
public sealed class ArrivalWatchTests(ArrivalClusterFixture fixture)
{
    [Fact]
    public async Task An_arrival_nobody_records_by_arrival_plus_grace_alerts_the_pickup_agency_the_post_and_the_escort_once_and_a_delay_moves_it()
    {
        var s = new Scenario(fixture);
        var korday = await s.RegisterPlace("KORDAY", "Korday – Ak-Zhol", PlaceKind.BorderCrossing, "KZ", "Asia/Almaty");
        var bishkek = await s.RegisterPlace("BISHKEK-2", "Bishkek-2", PlaceKind.RailStation, "KG", "Asia/Bishkek");
        var post = await s.Post("kg-post", "KG");
        var ngo = await s.Directory.Create(new Agency($"kg-station-ngo-{s.Suffix}", "NGO at Bishkek-2", AgencyKind.Ngo, "KG", null, "Bishkek",
            "Asia/Bishkek", [s.Region("Chui")], [], [AgencyService.Shelter], ArrivalPoints: [bishkek.Code]));
        var escort = await s.Receiving("kg-escort", "KG", [s.Region("Elsewhere")], [AgencyService.Escort], AgencyKind.InternationalOrganization);
        var bystander = await s.Receiving("kg-bystander", "KG", [s.Region("Talas")], [AgencyService.Shelter]);
        var flagged = await s.Flag(post, s.NewCase("KG", s.Region("Chui"), [Need.Shelter]));
        var c = s.Case(flagged.Id);
        await c.AnswerReferral("r1", accept: true, null, Scenario.Staff(ngo));
        await c.Refer(new ManualReferral(escort.Id, [AgencyService.Escort], null), Scenario.Staff(post));
        await c.AnswerReferral("r2", accept: true, null, Scenario.Staff(escort));

        var arrival = s.Clock.GetUtcNow().AddHours(30);
        await c.BookTravel(new Travel(null, null, null, arrival, "IOM Bishkek", "Certificate of return", null, TravelMode.Road, "bus 42", korday.Code, bishkek.Code),
            Scenario.Staff(post));
        await c.RecordEvent(CaseEventType.Departed, null, null, Scenario.Staff(post));

        // Just before arrival + grace nothing is due.
        Advance(s, arrival + ArrivalClusterFixture.Grace - TimeSpan.FromMinutes(1));
        Assert.Equal(0, await fixture.WakeUps.WakeDueAsync());

        // The bus is three hours late, and the post says so: the watch moves with the arrival.
        await c.DelayTravel(arrival.AddHours(3), Scenario.Staff(post));
        Advance(s, arrival + ArrivalClusterFixture.Grace + TimeSpan.FromMinutes(1));
        Assert.Equal(0, await fixture.WakeUps.WakeDueAsync());
        Advance(s, arrival.AddHours(3) + ArrivalClusterFixture.Grace - TimeSpan.FromMinutes(1));
        Assert.Equal(0, await fixture.WakeUps.WakeDueAsync());

        // Nobody records it by the new arrival + grace: the three agencies are alerted, once, and nobody else.
        Advance(s, arrival.AddHours(3) + ArrivalClusterFixture.Grace);
        Assert.Equal(3, await fixture.WakeUps.WakeDueAsync());
        Assert.Equal(0, await fixture.WakeUps.WakeDueAsync());
        Assert.Equal(0, await c.RaiseArrivalNotConfirmed());
        foreach (var agency in new[] { ngo, post, escort })
        {
            var alert = Assert.Single(await s.Feed(agency), i => i.Type == FeedItemType.ArrivalNotConfirmed);
            Assert.Equal((Urgency.Critical, true, flagged.Id), (alert.Urgency, alert.RequiresAck, alert.CaseId));
            Assert.Equal("Road", alert.Data["mode"]);
            Assert.Equal("Bishkek-2", alert.Data["arrivalPlaceName"]);
            Assert.DoesNotContain(s.FullName, alert.Summary + string.Join(" ", alert.Data.Values), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(await s.Feed(bystander), i => i.Type == FeedItemType.ArrivalNotConfirmed);
        Assert.Equal(CaseEventType.ArrivalNotConfirmed, (await c.Timeline(Scenario.Staff(post))).Last().Type);

        // The watch of this arrival is spent in the case's row, so no restart raises it again.
        Assert.Null(await ArrivalWatchAsync(flagged.Id));

        // The arrival recorded at last settles the alerts.
        await c.RecordEvent(CaseEventType.Arrived, null, null, Scenario.Staff(ngo));
        foreach (var agency in new[] { ngo, post, escort })
        {
            Assert.NotNull(Assert.Single(await s.Feed(agency), i => i.Type == FeedItemType.ArrivalNotConfirmed).AcknowledgedAt);
        }
    }

    [Fact]
    public async Task An_arrival_recorded_in_time_raises_nothing()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-post", "KG");
        var ngo = await s.Receiving("kg-airport-ngo", "KG", [s.Region("Naryn")], [AgencyService.Shelter], airports: ["FRU"], timeZone: "Asia/Bishkek");
        var flagged = await s.Flag(post, s.NewCase("KG", s.Region("Naryn"), [Need.Shelter]));
        var c = s.Case(flagged.Id);
        var arrival = s.Clock.GetUtcNow().AddHours(5);
        await c.BookTravel(new Travel("TK 345", "IST", "FRU", arrival, "IOM Istanbul", "Certificate of return", null), Scenario.Staff(post));
        Assert.Equal(arrival, await ArrivalWatchAsync(flagged.Id));
        await c.RecordEvent(CaseEventType.Departed, null, null, Scenario.Staff(post));
        Advance(s, arrival);
        await c.RecordEvent(CaseEventType.Arrived, null, null, Scenario.Staff(ngo));
        Assert.Null(await ArrivalWatchAsync(flagged.Id));

        Advance(s, arrival + ArrivalClusterFixture.Grace + TimeSpan.FromHours(1));
        await fixture.WakeUps.WakeDueAsync();
        Assert.Equal(0, await c.RaiseArrivalNotConfirmed());
        Assert.DoesNotContain(await s.Feed(ngo), i => i.Type == FeedItemType.ArrivalNotConfirmed);
        Assert.DoesNotContain(await s.Feed(post), i => i.Type == FeedItemType.ArrivalNotConfirmed);
    }

    private static void Advance(Scenario s, DateTimeOffset instant)
    {
        var delta = instant - s.Clock.GetUtcNow();
        Assert.True(delta >= TimeSpan.Zero, $"the clock is already past {instant:O}");
        s.Clock.Advance(delta);
    }

    private async Task<DateTimeOffset?> ArrivalWatchAsync(string caseId)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT arrival_watch_at FROM cases WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", caseId);
        return await command.ExecuteScalarAsync() is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : null;
    }
}
