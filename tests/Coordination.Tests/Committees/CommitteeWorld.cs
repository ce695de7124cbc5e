using Coordination.Contracts.Agencies;
using Coordination.Contracts.Committees;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Committees;
using Microsoft.Extensions.Time.Testing;

namespace Coordination.Tests.Committees;

/// <summary>The agencies and committee of one grain test, with ids unique to the test, and the fake clock.</summary>
public sealed class CommitteeWorld(CommitteeClusterFixture fixture)
{
    public string Suffix { get; } = Guid.NewGuid().ToString("N")[..10];

    public IClusterClient Client => fixture.Client;

    public FakeTimeProvider Clock => fixture.Clock;

    public static TimeZoneInfo Zone(Agency agency) => TimeZoneInfo.FindSystemTimeZoneById(agency.TimeZone);

    public Task<Agency> Committee(string name = "tm-nap-wg", string country = "TM", string timeZone = "Asia/Ashgabat") =>
        Register(name, AgencyKind.Committee, country, timeZone);

    public Task<Agency> Agency(string name, string timeZone = "Asia/Ashgabat", AgencyKind kind = AgencyKind.Ministry, string country = "TM") =>
        Register(name, kind, country, timeZone);

    public ICommitteeGrain Grain(Agency committee) => Client.GetGrain<ICommitteeGrain>(committee.Id);

    public static CommitteeCaller Secretary(Agency committee) => new(new Actor($"secretary-{committee.Id}", committee.Id), Secretary: true, Member: false);

    public static CommitteeCaller Staff(Agency agency) => new(new Actor($"staff-{agency.Id}", agency.Id), Secretary: false, Member: false);

    public async Task<IReadOnlyList<FeedItem>> Feed(Agency agency, FeedItemType type) =>
        (await Client.GetGrain<IAgencyFeedGrain>(agency.Id).Since(0, 10_000)).Where(i => i.Type == type).ToList();

    public static NewActionPlanTask Task(string title, Agency owner, DateOnly due, ActionPlanArea area = ActionPlanArea.Protection, Indicator? indicator = null) =>
        new(title, area, owner.Id, due, indicator);

    public DateOnly Today(Agency agency) => OverdueSchedule.LocalDate(Clock.GetUtcNow(), Zone(agency));

    /// <summary>The instant it is <paramref name="hour"/>:<paramref name="minute"/> on <paramref name="day"/> in the agency's zone.</summary>
    public static DateTimeOffset At(DateOnly day, int hour, int minute, Agency agency)
    {
        var local = day.ToDateTime(new TimeOnly(hour, minute));
        return new DateTimeOffset(local, Zone(agency).GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>The next <paramref name="weekday"/> after today in the agency's calendar.</summary>
    public DateOnly Next(DayOfWeek weekday, Agency agency)
    {
        var day = Today(agency).AddDays(1);
        while (day.DayOfWeek != weekday)
        {
            day = day.AddDays(1);
        }

        return day;
    }

    /// <summary>Moves the shared clock forward to <paramref name="instant"/>; tests only ever move it forwards.</summary>
    public void AdvanceTo(DateTimeOffset instant)
    {
        var delta = instant - Clock.GetUtcNow();
        Assert.True(delta >= TimeSpan.Zero, $"the clock is already past {instant:O}");
        Clock.Advance(delta);
    }

    private Task<Agency> Register(string name, AgencyKind kind, string country, string timeZone) =>
        Client.GetGrain<IAgencyDirectoryGrain>(0).Create(
            new Agency($"{name}-{Suffix}", $"{name} {Suffix}", kind, country, null, null, timeZone, [], [], []));
}
