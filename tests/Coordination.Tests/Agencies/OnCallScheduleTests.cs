using Coordination.Contracts.Agencies;
using Coordination.Grains.Agencies;
using Microsoft.Extensions.Time.Testing;

namespace Coordination.Tests.Agencies;

/// <summary>
/// Who is on duty, with a fake clock the test moves: night shifts cross midnight, a daylight-saving
/// change makes a night an hour shorter or longer, an override wins over the weekly shifts.
/// </summary>
public sealed class OnCallScheduleTests
{
    private static readonly string[] Weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri"];
    private static readonly string[] EveryDay = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    private static readonly TimeZoneInfo Bishkek = TimeZoneInfo.FindSystemTimeZoneById("Asia/Bishkek");
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Fact]
    public void A_night_shift_runs_past_midnight_until_the_day_shift_takes_over()
    {
        var rota = new DutyRota([new DutyShift(Weekdays, "09:00", "18:00", "aida"), new DutyShift(EveryDay, "18:00", "09:00", "bakyt")], []);
        var schedule = new OnCallSchedule(rota, Bishkek);
        // Tuesday 3 March 2026, 02:40 in Bishkek (UTC+6): the night shift that began on Monday.
        var clock = new FakeTimeProvider(At("2026-03-02T20:40:00Z"));

        var night = schedule.At(clock.GetUtcNow());
        Assert.Equal("bakyt", night.OnDuty);
        Assert.Equal(At("2026-03-03T03:00:00Z"), night.Until);
        Assert.Equal(new NextOnDuty("aida", At("2026-03-03T03:00:00Z")), night.Next);

        clock.Advance(TimeSpan.FromHours(7));
        var day = schedule.At(clock.GetUtcNow());
        Assert.Equal("aida", day.OnDuty);
        Assert.Equal(At("2026-03-03T12:00:00Z"), day.Until);
        Assert.Equal("bakyt", day.Next!.Username);
    }

    [Fact]
    public void Weekend_days_without_a_day_shift_are_gaps_of_the_coming_week()
    {
        var rota = new DutyRota([new DutyShift(Weekdays, "09:00", "18:00", "aida"), new DutyShift(EveryDay, "18:00", "09:00", "bakyt")], []);
        var clock = new FakeTimeProvider(At("2026-03-02T03:00:00Z"));

        var gaps = new OnCallSchedule(rota, Bishkek).Gaps(clock.GetUtcNow());

        Assert.Equal(
            [new DutyGap(At("2026-03-07T03:00:00Z"), At("2026-03-07T12:00:00Z")), new DutyGap(At("2026-03-08T03:00:00Z"), At("2026-03-08T12:00:00Z"))],
            gaps);

        clock.Advance(TimeSpan.FromDays(5).Add(TimeSpan.FromHours(1)));
        var saturday = new OnCallSchedule(rota, Bishkek).At(clock.GetUtcNow());
        Assert.Null(saturday.OnDuty);
        Assert.Equal(new NextOnDuty("bakyt", At("2026-03-07T12:00:00Z")), saturday.Next);
    }

    [Fact]
    public void A_night_across_the_spring_change_is_an_hour_shorter_and_ends_at_six_on_the_wall_clock()
    {
        // Berlin moves from 02:00 CET to 03:00 CEST on Sunday 29 March 2026.
        var rota = new DutyRota([new DutyShift(["Sat"], "22:00", "06:00", "night"), new DutyShift(["Sun"], "06:00", "14:00", "early")], []);
        var schedule = new OnCallSchedule(rota, Berlin);
        var clock = new FakeTimeProvider(At("2026-03-28T21:00:00Z"));

        var start = schedule.At(clock.GetUtcNow());
        Assert.Equal("night", start.OnDuty);
        Assert.Equal(At("2026-03-29T04:00:00Z"), start.Until);
        Assert.Equal(TimeSpan.FromHours(7), start.Until - clock.GetUtcNow());

        clock.Advance(TimeSpan.FromHours(7) - TimeSpan.FromMinutes(1));
        Assert.Equal("night", schedule.At(clock.GetUtcNow()).OnDuty);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("early", schedule.At(clock.GetUtcNow()).OnDuty);
    }

    [Fact]
    public void A_night_across_the_autumn_change_is_an_hour_longer()
    {
        // Berlin moves from 03:00 CEST back to 02:00 CET on Sunday 25 October 2026.
        var rota = new DutyRota([new DutyShift(["Sat"], "22:00", "06:00", "night")], []);
        var clock = new FakeTimeProvider(At("2026-10-24T20:00:00Z"));

        var start = new OnCallSchedule(rota, Berlin).At(clock.GetUtcNow());

        Assert.Equal("night", start.OnDuty);
        Assert.Equal(At("2026-10-25T05:00:00Z"), start.Until);
        Assert.Equal(new NextOnDuty(null, At("2026-10-25T05:00:00Z")), start.Next);
    }

    [Fact]
    public void A_shift_starting_in_the_skipped_hour_starts_when_the_clocks_reach_it()
    {
        var rota = new DutyRota([new DutyShift(["Sun"], "02:30", "08:00", "early")], []);
        var clock = new FakeTimeProvider(At("2026-03-29T00:00:00Z"));

        var before = new OnCallSchedule(rota, Berlin).At(clock.GetUtcNow());

        Assert.Null(before.OnDuty);
        // 02:30 does not exist that night: read with the winter offset it is 01:30Z, 03:30 summer time.
        Assert.Equal(new NextOnDuty("early", At("2026-03-29T01:30:00Z")), before.Next);
    }

    [Fact]
    public void An_override_wins_over_the_shifts_and_the_latest_one_over_an_earlier_one()
    {
        var rota = new DutyRota(
            [new DutyShift(EveryDay, "08:00", "08:00", "aida")],
            [
                new RotaOverride(At("2026-03-08T02:00:00Z"), At("2026-03-09T02:00:00Z"), "bakyt"),
                new RotaOverride(At("2026-03-08T10:00:00Z"), At("2026-03-08T14:00:00Z"), "chynara"),
            ]);
        var schedule = new OnCallSchedule(rota, Bishkek);
        var clock = new FakeTimeProvider(At("2026-03-08T00:00:00Z"));

        var before = schedule.At(clock.GetUtcNow());
        Assert.Equal("aida", before.OnDuty);
        Assert.Equal(new NextOnDuty("bakyt", At("2026-03-08T02:00:00Z")), before.Next);

        clock.Advance(TimeSpan.FromHours(3));
        var holiday = schedule.At(clock.GetUtcNow());
        Assert.Equal("bakyt", holiday.OnDuty);
        Assert.Equal(new NextOnDuty("chynara", At("2026-03-08T10:00:00Z")), holiday.Next);

        clock.Advance(TimeSpan.FromHours(8));
        var sickDay = schedule.At(clock.GetUtcNow());
        Assert.Equal("chynara", sickDay.OnDuty);
        Assert.Equal(new NextOnDuty("bakyt", At("2026-03-08T14:00:00Z")), sickDay.Next);

        clock.Advance(TimeSpan.FromHours(16));
        var after = schedule.At(clock.GetUtcNow());
        Assert.Equal("aida", after.OnDuty);
        // One person on duty around the clock: nothing changes within the coming week.
        Assert.Null(after.Until);
        Assert.Null(after.Next);
    }

    [Fact]
    public void An_empty_rota_has_nobody_on_duty_and_the_whole_week_is_a_gap()
    {
        var now = At("2026-03-02T00:00:00Z");
        var schedule = new OnCallSchedule(DutyRota.Empty, Bishkek);

        Assert.Equal(new OnCall(null, null, null), schedule.At(now));
        Assert.Equal([new DutyGap(now, now + OnCallSchedule.Horizon)], schedule.Gaps(now));
    }

    private static DateTimeOffset At(string instant) => DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture);
}
