using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Grains.Cases;
using Coordination.Tests.Grains;
using Coordination.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Coordination.Tests.FollowUps;

/// <summary>
/// Personal data kept for <see cref="RetentionOptions.AfterClosed"/> (the default, five years) after a
/// case ends, then erased by the silo's retention look, on a fake clock.
/// </summary>
public sealed class RetentionTests(RetentionTests.ClusterFixture fixture) : IClassFixture<RetentionTests.ClusterFixture>
{
    /// <summary>
    /// A cluster of its own, since the test moves the fake clock on by years. The silo's own look runs
    /// on the fake clock too, so it is set to once in twenty years: the test looks at the instants it chooses.
    /// </summary>
    public sealed class ClusterFixture() : InProcessClusterFixture(new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero))
    {
        protected override string DatabasePurpose => "retention";

        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Coordination:Retention:CheckEvery"] = TimeSpan.FromDays(7300).ToString(),
        };

        public RetentionSweeper Retention => SiloServices.GetRequiredService<RetentionSweeper>();
    }

    private static readonly TimeSpan AfterClosed = new RetentionOptions().AfterClosed;

    [Fact]
    public async Task A_case_ended_longer_than_the_retention_period_loses_its_personal_data_and_a_reopened_or_open_case_keeps_it()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-consulate-dubai", "KG", "AE", "Dubai");
        await s.Receiving("kg-ngo-batken", "KG", [s.Region("Batken")], [AgencyService.Shelter]);
        var staff = Scenario.Staff(post);
        var ended = await s.Flag(post, s.NewCase("KG", s.Region("Batken"), [Need.Shelter]));
        var reopened = await s.Flag(post, s.NewCase("KG", s.Region("Batken"), [Need.Shelter]) with { Person = s.NewCase("KG", "x", []).Person with { FullName = "Second Person", PassportNumber = "AN7000002" } });
        var open = await s.Flag(post, s.NewCase("KG", s.Region("Batken"), [Need.Shelter]) with { Person = s.NewCase("KG", "x", []).Person with { FullName = "Third Person", PassportNumber = "AN7000003" } });
        await s.Case(ended.Id).RecordEvent(CaseEventType.Withdrawn, null, null, staff);
        await s.Case(reopened.Id).RecordEvent(CaseEventType.Withdrawn, null, null, staff);
        var endedAt = s.Clock.GetUtcNow();

        // A year later the second is reopened: its retention stops, and starts again only if it ends again.
        s.Clock.Advance(TimeSpan.FromDays(365));
        await s.Case(reopened.Id).RecordEvent(CaseEventType.Reopened, null, null, staff);

        // A day short of the period, nothing is erased.
        s.Clock.Advance(endedAt + AfterClosed - TimeSpan.FromDays(1) - s.Clock.GetUtcNow());
        await fixture.Retention.EraseDueAsync();
        Assert.NotNull((await s.Case(ended.Id).Get(staff))!.Person!.FullName);

        // Past it, the ended case's name, passport and phone are erased, as by the administrator; nothing else changes.
        s.Clock.Advance(TimeSpan.FromDays(2));
        var erased = await fixture.Retention.EraseDueAsync();
        var after = (await s.Case(ended.Id).Get(staff))!;
        Assert.Null(after.Person!.FullName);
        Assert.Null(after.Person.PassportNumber);
        Assert.Null(after.Person.Phone);
        Assert.Equal(ended.Person!.BirthYear, after.Person.BirthYear);
        Assert.NotNull(after.PersonalDataErasedAt);
        var last = (await s.Case(ended.Id).Timeline(staff))[^1];
        Assert.Equal((CaseEventType.PersonalDataErased, RetentionSweeper.System.Username), (last.Type, last.Username));
        Assert.True(erased >= 1);
        Assert.Equal("Second Person", (await s.Case(reopened.Id).Get(staff))!.Person!.FullName);
        Assert.Equal("Third Person", (await s.Case(open.Id).Get(staff))!.Person!.FullName);

        // The next look finds nothing more of it: an erased case's retention is over.
        var version = after.Version;
        await fixture.Retention.EraseDueAsync();
        Assert.Equal(version, (await s.Case(ended.Id).Get(staff))!.Version);
    }
}
