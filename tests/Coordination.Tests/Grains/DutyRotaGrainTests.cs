using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;

namespace Coordination.Tests.Grains;

/// <summary>The rota grain answers "who is on duty" at the domain clock's now, and keeps the rota it was given.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class DutyRotaGrainTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task Who_is_on_duty_follows_the_domain_clock_and_an_override_wins_while_it_lasts()
    {
        var s = new Scenario(fixture);
        var agency = await s.Receiving("rota-ngo", "KG", [s.Region("Naryn")], [AgencyService.Shelter]);
        var rota = s.Client.GetGrain<IDutyRotaGrain>(agency.Id);
        var now = s.Clock.GetUtcNow();
        var sickDay = new RotaOverride(now + TimeSpan.FromHours(1), now + TimeSpan.FromHours(3), "deputy");

        var saved = await rota.Replace(new DutyRota([new DutyShift(DutyShift.DayNames, "00:00", "00:00", "regular")], [sickDay]), Scenario.Staff(agency));
        Assert.NotNull(saved);
        Assert.Equal(agency.TimeZone, saved.TimeZone);

        Assert.Equal(new OnCall("regular", sickDay.From, new NextOnDuty("deputy", sickDay.From)), await rota.OnCall());
        s.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(new OnCall("deputy", sickDay.To, new NextOnDuty("regular", sickDay.To)), await rota.OnCall());
        s.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(new OnCall("regular", null, null), await rota.OnCall());
        Assert.Equal("deputy", Assert.Single((await rota.Get())!.Overrides).Username);
    }

    [Fact]
    public async Task An_agency_that_does_not_exist_has_no_rota()
    {
        var rota = fixture.Client.GetGrain<IDutyRotaGrain>($"no-such-agency-{Guid.NewGuid():N}");

        Assert.Null(await rota.Get());
        Assert.Null(await rota.OnCall());
        Assert.Null(await rota.Replace(DutyRota.Empty, new Actor("someone", "elsewhere")));
    }
}
