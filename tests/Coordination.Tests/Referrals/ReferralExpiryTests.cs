using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Tests.Grains;
using Npgsql;

namespace Coordination.Tests.Referrals;

/// <summary>
/// Referral expiry on the fake clock: a referral nobody answers by its deadline expires like a decline
/// ("no answer"), the referring agency hears of it, and the case goes to the next matching agency;
/// acknowledging the alert does not stop the clock, an answer does.
/// </summary>
[Collection(ReferralClusterCollection.Name)]
public sealed class ReferralExpiryTests(ReferralClusterFixture fixture)
{
    [Fact]
    public async Task An_acknowledged_but_unanswered_referral_expires_at_its_deadline_and_moves_to_the_next_agency_once()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("tj-post", "TJ");
        var first = await s.Receiving("a-first", "TJ", [s.Region("Sughd")], [AgencyService.Shelter, AgencyService.Legal]);
        var second = await s.Receiving("b-second", "TJ", [s.Region("Sughd")], [AgencyService.Shelter]);
        var flagged = await s.Flag(post, s.NewCase("TJ", s.Region("Sughd"), [Need.Shelter, Need.Legal], urgency: Urgency.Urgent));
        var c = s.Case(flagged.Id);
        var r1 = Assert.Single(flagged.Referrals);
        var deadline = s.Clock.GetUtcNow() + ReferralClusterFixture.UrgentAnswer;
        Assert.Equal((first.Id, deadline, post.Id), (r1.ToAgencyId, r1.AnswerBy!.Value, r1.ByAgencyId));
        Assert.Equal(deadline, await ReferralDueAsync(flagged.Id));

        // The first agency acknowledges the alert (it shows the deadline) but never answers.
        var alert = Assert.Single(await s.Feed(first), i => i.Type == FeedItemType.ReferralReceived);
        Assert.Equal(deadline, DateTimeOffset.Parse(alert.Data["answerBy"], System.Globalization.CultureInfo.InvariantCulture));
        await s.FeedOf(first).Acknowledge(alert.Id, "aigul");

        fixture.AdvanceTo(deadline - TimeSpan.FromMinutes(1));
        Assert.Equal(0, await fixture.WakeUps.WakeDueAsync());
        Assert.Equal(ReferralStatus.Pending, (await c.Get(Scenario.Staff(post)))!.Referrals[0].Status);

        fixture.AdvanceTo(deadline);
        Assert.Equal(1, await fixture.WakeUps.WakeDueAsync());
        Assert.Equal(0, await fixture.WakeUps.WakeDueAsync());
        Assert.Equal(0, await c.ExpireUnansweredReferrals());

        var view = (await c.Get(Scenario.Staff(post)))!;
        Assert.Equal(ReferralStatus.Expired, view.Referrals[0].Status);
        Assert.Equal("no answer", view.Referrals[0].Reason);
        var r2 = view.Referrals[1];
        Assert.Equal((second.Id, ReferralStatus.Pending, deadline + ReferralClusterFixture.UrgentAnswer), (r2.ToAgencyId, r2.Status, r2.AnswerBy!.Value));
        Assert.Equal(r2.AnswerBy, await ReferralDueAsync(flagged.Id));

        // The referring post hears of it; the next agency gets the referral; the silent one loses sight of the case.
        var expired = Assert.Single(await s.Feed(post), i => i.Type == FeedItemType.ReferralExpired);
        Assert.Equal((flagged.Id, first.Id, "no answer"), (expired.CaseId, expired.Data["toAgencyId"], expired.Data["reason"]));
        Assert.DoesNotContain(s.FullName, expired.Summary + string.Join(" ", expired.Data.Values), StringComparison.Ordinal);
        Assert.Single(await s.Feed(second), i => i.Type == FeedItemType.ReferralReceived && i.CaseId == flagged.Id);
        Assert.Null(await c.Get(Scenario.Staff(first)));
        Assert.Equal(DomainErrorKind.Conflict, (await Scenario.Refused(() => c.AnswerReferral(r1.Id, true, null, Scenario.Staff(first)))).Kind);

        var timeline = await c.Timeline(Scenario.Staff(post));
        Assert.Contains(timeline, e => e.Type == CaseEventType.ReferralExpired && e.AgencyId == first.Id && e.Username == "system");
        Assert.Equal(CaseEventType.Referred, timeline[^1].Type);

        // The second lets it expire too: nobody is left, and the post is alerted that no agency matches.
        fixture.AdvanceTo(r2.AnswerBy!.Value);
        Assert.Equal(1, await fixture.WakeUps.WakeDueAsync());
        Assert.Equal(2, (await s.Feed(post)).Count(i => i.Type == FeedItemType.ReferralExpired));
        Assert.Contains(await s.Feed(post), i => i.Type == FeedItemType.NoReceivingAgency && i.CaseId == flagged.Id);
        Assert.Null(await ReferralDueAsync(flagged.Id));
    }

    [Fact]
    public async Task An_expired_referral_settles_the_silent_agencys_alert_so_it_stops_escalating()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-post", "KG");
        var silent = await s.Receiving("a-silent", "KG", [s.Region("Osh")], [AgencyService.Shelter]);
        var flagged = await s.Flag(post, s.NewCase("KG", s.Region("Osh"), [Need.Shelter], urgency: Urgency.Critical));

        fixture.AdvanceTo(flagged.Referrals[0].AnswerBy!.Value);
        Assert.Equal(1, await fixture.WakeUps.WakeDueAsync());

        var alert = Assert.Single(await s.Feed(silent), i => i.Type == FeedItemType.ReferralReceived);
        Assert.NotNull(alert.AcknowledgedAt);
        Assert.Equal("system", alert.AcknowledgedBy);
        Assert.Equal(Urgency.Critical, Assert.Single(await s.Feed(post), i => i.Type == FeedItemType.ReferralExpired).Urgency);
    }

    [Fact]
    public async Task An_answered_referral_does_not_expire()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("uz-post", "UZ");
        var ngo = await s.Receiving("a-answers", "UZ", [s.Region("Fergana")], [AgencyService.Shelter]);
        await s.Receiving("b-other", "UZ", [s.Region("Fergana")], [AgencyService.Shelter]);
        var flagged = await s.Flag(post, s.NewCase("UZ", s.Region("Fergana"), [Need.Shelter], urgency: Urgency.Routine));
        var c = s.Case(flagged.Id);
        Assert.Equal(s.Clock.GetUtcNow() + ReferralClusterFixture.RoutineAnswer, flagged.Referrals[0].AnswerBy);

        await c.AnswerReferral("r1", accept: true, null, Scenario.Staff(ngo));
        Assert.Null(await ReferralDueAsync(flagged.Id));

        fixture.AdvanceTo(flagged.Referrals[0].AnswerBy!.Value + TimeSpan.FromHours(1));
        await fixture.WakeUps.WakeDueAsync();
        Assert.Equal(0, await c.ExpireUnansweredReferrals());
        var view = (await c.Get(Scenario.Staff(post)))!;
        Assert.Equal(ReferralStatus.Accepted, Assert.Single(view.Referrals).Status);
        Assert.DoesNotContain(await s.Feed(post), i => i.Type == FeedItemType.ReferralExpired);
    }

    private async Task<DateTimeOffset?> ReferralDueAsync(string caseId)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT referral_due_at FROM cases WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", caseId);
        return await command.ExecuteScalarAsync() is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : null;
    }
}
